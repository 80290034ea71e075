"""The app of a release whose startup fails: it imports fine, its workers cannot boot."""

from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api import utils
from app.core.config import settings


async def connect_search_cluster():
    raise RuntimeError("cannot reach the search cluster at startup")


@asynccontextmanager
async def lifespan(_app):
    await connect_search_cluster()
    yield


app = FastAPI(title=settings.PROJECT_NAME, lifespan=lifespan)
app.include_router(utils.router, prefix=settings.API_V1_STR)
