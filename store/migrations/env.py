"""Alembic environment: the engine comes from the caller (store.db.upgrade); the registry
puts every table on the metadata, so autogenerate and compare see the whole schema."""
from alembic import context

from store.registry import metadata


def include_object(obj, name, type_, reflected, compare_to):
    """Autogenerate must not drop the SQLite full-text index (kb_fts and its shadow tables),
    which migrations create by hand."""
    return not (type_ == "table" and reflected and name.startswith("kb_fts"))


config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      include_object=include_object)
    context.run_migrations()
