"""Seed script: the first item, once."""

from sqlalchemy import insert, select

from app.core.config import settings
from app.core.db import engine, item


def main() -> None:
    with engine.begin() as connection:
        if connection.execute(select(item.c.id).where(item.c.title == settings.FIRST_ITEM)).first() is None:
            connection.execute(insert(item).values(title=settings.FIRST_ITEM))
    print("initial data created")


if __name__ == "__main__":
    main()
