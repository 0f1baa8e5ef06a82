"""Advocacy Hub bot: scheduled wiki jobs for the Wikimedia movement's advocates.

Layout: ``bots.core`` is the pure core (schema, records, validation, rendering; no pywikibot),
``bots.wiki`` is the edge that talks to a wiki through pywikibot, ``bots.jobs`` composes them
(sharing pieces through ``bots.jobs.common``), ``bots.schedule`` runs the jobs on their cron.
"""

__version__ = "0.1.0"
