from fastapi import APIRouter
from sqlalchemy import func, select

from app.core.db import engine, item

router = APIRouter(prefix="/utils", tags=["utils"])


@router.get("/health-check/")
async def health_check() -> bool:
    return True


@router.get("/items-count/")
def items_count() -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(item)).scalar_one()
