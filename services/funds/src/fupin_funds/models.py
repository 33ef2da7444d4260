"""Every table of the funds service (imported by the Alembic env and the app)."""
from fupin_funds.assets import models as _assets  # noqa: F401
from fupin_funds.audit import models as _audit  # noqa: F401
from fupin_funds.beneficiaries import models as _beneficiaries  # noqa: F401
from fupin_funds import counters as _counters  # noqa: F401
from fupin_funds.disclosure import models as _disclosure  # noqa: F401
from fupin_funds.ledger import models as _ledger  # noqa: F401
from fupin_funds.loans import models as _loans  # noqa: F401
from fupin_funds.projects import models as _projects  # noqa: F401
