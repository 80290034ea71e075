"""Seed data after the migrations (a post-migrate deploy hook: python -m app.seed).

Idempotent: running it on every deploy adds the welcome item once."""

from sqlalchemy import select

from app.db import Item, Session

WELCOME = "welcome"


def main():
    with Session.begin() as session:
        if session.scalar(select(Item).where(Item.name == WELCOME)) is None:
            session.add(Item(name=WELCOME))
            print("seeded the welcome item")
        else:
            print("welcome item already there")


if __name__ == "__main__":
    main()
