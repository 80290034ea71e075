#!/usr/bin/env bash
# Upstream runs this before the server starts: migrations, then the seed.
set -e
set -x
alembic upgrade head
python -m app.initial_data
