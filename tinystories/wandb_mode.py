"""Whether W&B runs online or offline here, decided without importing wandb or lightning.

The commands (generate, export, evaluate) ask this to resolve wandb: references, so it lives apart from the
logger to keep their start-up light.
"""

from __future__ import annotations

import netrc
import os
from pathlib import Path
from urllib.parse import urlparse


def has_wandb_credentials() -> bool:
    if os.environ.get("WANDB_API_KEY"):
        return True
    host = urlparse(os.environ.get("WANDB_BASE_URL", "https://api.wandb.ai")).hostname or "api.wandb.ai"
    path = Path(os.environ.get("NETRC", Path.home() / ".netrc"))
    try:
        return path.is_file() and netrc.netrc(path).authenticators(host) is not None
    except (netrc.NetrcParseError, OSError):
        return False


def wandb_offline() -> bool:
    """Offline when WANDB_MODE says so, or when it says nothing and no credentials are configured."""
    mode = os.environ.get("WANDB_MODE")
    return mode in ("offline", "dryrun") or (mode != "online" and not has_wandb_credentials())
