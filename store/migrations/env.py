"""Alembic environment: the engine comes from the caller (store.db.upgrade); the registry
puts every table on the metadata, so autogenerate and compare see the whole schema."""
from alembic import context

from store.registry import include_object_for, metadata

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      include_object=include_object_for(connection.dialect.name))
    context.run_migrations()
