"""Import every model so metadata, migrations and relationships see all tables."""
from .auth.models import ApiToken, User  # noqa: F401
from .core.history import ChangeRecord  # noqa: F401
from .datasets.models import Dataset, Distribution, StorageLocation, dataset_creator  # noqa: F401
from .organisation.models import Person, Project, Unit  # noqa: F401
from .search.outbox import OutboxEntry  # noqa: F401
from .search.store import SearchDocument  # noqa: F401
from .vocabularies.models import Concept, ConceptScheme  # noqa: F401
from .flows.models import DataFlow, flow_dataset  # noqa: F401
from .systems.models import ItSystem, system_dataset  # noqa: F401
from .priorities import models as _priorities  # noqa: F401,E402
from .plans import models as _plans  # noqa: F401,E402
from .programme import models as _programme  # noqa: F401,E402
from .plans import madmp_models as _plans_madmp  # noqa: F401,E402
