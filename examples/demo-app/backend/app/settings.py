"""Settings from the environment file python_app writes (nothing has a production default)."""

import os
from pathlib import Path

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///./demo.db")
# Reads that may lag behind (a streaming replica); the primary when there is none.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", DATABASE_URL)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
SYS_ENV = os.environ.get("SYS_ENV", "local")
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def release_id():
    """The release directory this code runs from (<base>/releases/<id>/...), or 'unknown'."""
    parts = Path(__file__).resolve().parts
    return parts[parts.index("releases") + 1] if "releases" in parts else "unknown"
