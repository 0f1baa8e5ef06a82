"""The pieces the jobs share (the snapshot loader, page sets, section writing, posting on talk
pages, delivery logs, the newsletter's renderer, the language rule for a person, the wiki's
vocabularies and translations; the state pages' names are bots.statepages). A job module
imports bots.core, bots.wiki, bots.jobs.context, bots.jobs.registry and this package only,
never another job, and never pywikibot (tests/test_layers.py checks it)."""
