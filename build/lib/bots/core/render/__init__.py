"""Generated pages, as wikitext. Every field value goes through bots.core.wikitext first."""
