from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine

from app.core.config import settings

engine = create_engine(settings.SQLALCHEMY_DATABASE_URI, pool_pre_ping=True)
metadata = MetaData()
item = Table("item", metadata, Column("id", Integer, primary_key=True), Column("title", String(255), nullable=False))
