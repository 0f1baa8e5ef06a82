# pywikibot's configuration for the Advocacy Hub bot.
#
# pywikibot reads this file because PYWIKIBOT_DIR points at this directory (the advocacy-bot
# command and the scripts set it, together with PYWIKIBOT_NO_USER_CONFIG=0 so that a missing
# config is an error, never a silent run against another wiki). The target wiki, account and
# limits come from the profile named by ADVOCACY_PROFILE (default: config/local.toml).
# Passwords are never here: see bots/wiki/pwbconfig.py.
import sys as _sys

_sys.path.insert(0, base_dir)  # noqa: F821 (pywikibot defines base_dir before running this file)

from bots.config import ConfigError as _ConfigError
from bots.wiki.pwbconfig import apply_profile as _apply_profile

try:
    _apply_profile(globals())
except _ConfigError:
    # No usable profile yet (e.g. the local wiki is not started). Point pywikibot at a family
    # that does not exist, so any use fails loudly instead of editing a public wiki; the bot
    # applies its profile again when it connects, and reports the real problem then.
    family = "advocacy-no-profile"
    mylang = "advocacy-no-profile"
