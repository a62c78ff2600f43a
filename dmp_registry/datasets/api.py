from flask_smorest import Blueprint

from ..auth.current import current_identity
from ..core.api import register_crud
from . import schemas as s
from .service import dataset_service, distribution_service

datasets = Blueprint("datasets", __name__, url_prefix="/api/v1/datasets", description="Datasets")
distributions = Blueprint("distributions", __name__, url_prefix="/api/v1/distributions",
                          description="Distributions (downloadable or accessible forms) of datasets")

register_crud(datasets, dataset_service, name="dataset", in_schema=s.DatasetIn, patch_schema=s.DatasetPatch,
              out_schema=s.DatasetOut, args_schema=s.DatasetArgs, identity_getter=current_identity)
register_crud(distributions, distribution_service, name="distribution", in_schema=s.DistributionIn,
              patch_schema=s.DistributionPatch, out_schema=s.DistributionOut, args_schema=s.DistributionArgs,
              identity_getter=current_identity)

blueprints = (datasets, distributions)
