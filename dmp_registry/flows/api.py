from flask import Response
from flask_smorest import Blueprint
from marshmallow import fields

from ..auth.current import current_identity
from ..core.api import ApiView, register_crud
from ..core.schemas import BaseSchema, ConceptRef, Text
from . import schemas as s
from .graph import portfolio_graph, to_dot
from .lineage import impact, lineage
from .service import flow_service

flows = Blueprint("flows", __name__, url_prefix="/api/v1/flows",
                  description="Data flows between systems and datasets; lineage and impact analysis")

register_crud(flows, flow_service, name="data_flow", in_schema=s.FlowIn, patch_schema=s.FlowPatch,
              out_schema=s.FlowOut, args_schema=s.FlowArgs, identity_getter=current_identity)

_policy = flow_service.policy


@flows.route("/lineage/<uuid:node_id>", endpoint="lineage")
class Lineage(ApiView):
    rules = {"get": (_policy, "lineage")}

    @flows.arguments(s.LineageArgs, location="query")
    @flows.response(200, s.LineageOut)
    def get(self, args, node_id):
        """Everything upstream and downstream of a system or dataset, with depth."""
        return lineage(current_identity(), node_id, args["direction"], args["max_depth"], args["include_planned"])


@flows.route("/impact/<uuid:system_id>", endpoint="impact")
class Impact(ApiView):
    rules = {"get": (_policy, "lineage")}

    @flows.response(200, s.ImpactOut)
    def get(self, system_id):
        """If the system is retired or down: which flows break, which datasets lose their source or only copy."""
        return impact(current_identity(), system_id)


class GraphArgs(BaseSchema):
    unit_id = fields.UUID(metadata={"description": "Only systems owned by / datasets of this unit (and flows between them)"})
    category = ConceptRef("system-category", metadata={"description": "Only systems of this category"})
    status = ConceptRef("flow-status", metadata={"description": "Only flows with this status"})
    q = Text(max_length=200)


class GraphNode(BaseSchema):
    id = fields.UUID()
    kind = fields.String()
    label = fields.String()
    detail = fields.String(allow_none=True)


class GraphEdge(BaseSchema):
    id = fields.UUID()
    source = fields.UUID()
    target = fields.UUID()
    label = fields.String()
    status = fields.String()
    personal_data = fields.Boolean()
    problem = fields.Boolean()


class GraphOut(BaseSchema):
    nodes = fields.List(fields.Nested(GraphNode))
    edges = fields.List(fields.Nested(GraphEdge))


@flows.route("/graph", endpoint="graph")
class Graph(ApiView):
    rules = {"get": (_policy, "lineage")}

    @flows.arguments(GraphArgs, location="query")
    @flows.response(200, GraphOut)
    def get(self, args):
        """Systems, datasets and the flows between them (filterable)."""
        return portfolio_graph(current_identity(), args)


@flows.route("/graph.dot", endpoint="graph_dot")
class GraphDot(ApiView):
    rules = {"get": (_policy, "lineage")}

    @flows.arguments(GraphArgs, location="query")
    @flows.response(200, fields.String(), content_type="text/vnd.graphviz")
    def get(self, args):
        """The same graph as Graphviz DOT."""
        dot = to_dot(portfolio_graph(current_identity(), args))
        return Response(dot, mimetype="text/vnd.graphviz",
                        headers={"Content-Disposition": 'attachment; filename="dataflows.dot"'})


blueprints = (flows,)
