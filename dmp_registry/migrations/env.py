from alembic import context

from dmp_registry import models  # noqa: F401
from dmp_registry.core.db import Base
from dmp_registry.search.store import include_name

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,  # skips the FTS5 tables the search migration makes by hand
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
