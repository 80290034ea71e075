from fastapi import FastAPI

from app.api import utils
from app.core.config import settings

app = FastAPI(title=settings.PROJECT_NAME, openapi_url=f"{settings.API_V1_STR}/openapi.json")
app.include_router(utils.router, prefix=settings.API_V1_STR)
