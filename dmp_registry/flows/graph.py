"""The portfolio as a graph: nodes (systems, datasets) and edges (flows), as data, DOT and SVG."""
from __future__ import annotations

from html import escape

from sqlalchemy import or_, select

from ..core.db import db
from ..core.identity import Identity
from ..datasets.models import Dataset
from ..systems.models import ItSystem
from ..vocabularies.service import concept_cache
from .lineage import describe_nodes
from .models import DataFlow
from .service import flow_service


def portfolio_graph(identity: Identity, args: dict) -> dict:
    flow_service.policy.require(identity, "lineage")
    stmt = select(DataFlow).where(flow_service.policy.read_filter(identity, DataFlow))
    if args.get("status"):
        stmt = stmt.where(DataFlow.status == args["status"])
    if args.get("q"):
        stmt = stmt.where(DataFlow.title_sort.contains(args["q"].casefold(), autoescape=True))
    wanted = _matching_nodes(args)
    if wanted is not None:
        stmt = stmt.where(or_(DataFlow.source_node.in_(wanted), DataFlow.target_node.in_(wanted)))
    flows = db.session.scalars(stmt.order_by(DataFlow.title_sort, DataFlow.id)).all()
    ids = {f.source_node for f in flows} | {f.target_node for f in flows}
    if wanted is not None:
        ids |= {n for n in wanted if db.session.get(ItSystem, n) is not None}
    elif not args.get("status") and not args.get("q"):
        ids |= set(db.session.scalars(select(ItSystem.id)))
    nodes = describe_nodes(identity, ids)
    details = _system_details(nodes)
    return {
        "nodes": sorted(({**n, "detail": details.get(n["id"])} for n in nodes.values()),
                        key=lambda n: (n["kind"], n["label"].casefold(), str(n["id"]))),
        "edges": [{"id": f.id, "source": f.source_node, "target": f.target_node, "label": f.title,
                   "status": (concept_cache.get(f.status).notation if concept_cache.get(f.status) else f.status),
                   "personal_data": f.personal_data, "problem": bool(f.problems)}
                  for f in flows if f.source_node in nodes and f.target_node in nodes],
    }


def _matching_nodes(args: dict) -> set | None:
    if not (args.get("unit_id") or args.get("category")):
        return None
    systems = select(ItSystem.id)
    if args.get("unit_id"):
        systems = systems.where(ItSystem.owner_unit_id == args["unit_id"])
    if args.get("category"):
        systems = systems.where(ItSystem.category == args["category"])
    wanted = set(db.session.scalars(systems))
    if args.get("unit_id") and not args.get("category"):
        wanted |= set(db.session.scalars(select(Dataset.id).where(Dataset.unit_id == args["unit_id"])))
    return wanted


def _system_details(nodes: dict) -> dict:
    ids = [n["id"] for n in nodes.values() if n["kind"] == "system"]
    rows = db.session.execute(select(ItSystem.id, ItSystem.category, ItSystem.lifecycle_status)
                              .where(ItSystem.id.in_(ids))) if ids else []
    out = {}
    for system_id, category, lifecycle in rows:
        parts = [concept_cache.get(u).label("nb") for u in (category, lifecycle) if concept_cache.get(u)]
        out[system_id] = ", ".join(parts)
    return out


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def to_dot(graph: dict) -> str:
    """Graphviz DOT: systems as boxes, datasets as cylinders; dashed = planned, red = known problem."""
    lines = ["digraph dataflows {", "  rankdir=LR;", '  node [fontname="Helvetica"];', '  edge [fontname="Helvetica"];']
    for node in graph["nodes"]:
        shape = "box" if node["kind"] == "system" else "cylinder"
        lines.append(f'  {_dot_text(str(node["id"]))} [label={_dot_text(node["label"])}, shape={shape}];')
    for edge in graph["edges"]:
        attrs = [f"label={_dot_text(edge['label'])}"]
        if edge["status"] == "planned":
            attrs.append("style=dashed")
        if edge["problem"]:
            attrs.append("color=red")
        lines.append(f'  {_dot_text(str(edge["source"]))} -> {_dot_text(str(edge["target"]))} [{", ".join(attrs)}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def layers(graph: dict) -> dict:
    """Column of each node: longest path from a node without inputs (cycles cut where first met)."""
    incoming = {n["id"]: [] for n in graph["nodes"]}
    outgoing = {n["id"]: [] for n in graph["nodes"]}
    for e in graph["edges"]:
        if e["source"] != e["target"]:
            outgoing[e["source"]].append(e["target"])
            incoming[e["target"]].append(e["source"])
    column, visiting = {}, set()

    def depth(node):
        if node in column:
            return column[node]
        if node in visiting:  # a cycle: count this edge as going back
            return -1
        visiting.add(node)
        column[node] = 1 + max([depth(p) for p in incoming[node]] or [-1])
        visiting.discard(node)
        return column[node]

    for node in incoming:
        depth(node)
    return column


def to_svg(graph: dict, href=None, title: str = "Dataflyt") -> str:
    """A readable layered drawing: one column per step, nodes linked to their pages by `href(node)`."""
    column = layers(graph)
    by_column: dict[int, list] = {}
    for node in graph["nodes"]:
        by_column.setdefault(column[node["id"]], []).append(node)
    box_w, box_h, gap_x, gap_y, margin = 190, 44, 90, 22, 20
    position = {}
    for col, nodes in sorted(by_column.items()):
        for row, node in enumerate(nodes):
            position[node["id"]] = (margin + col * (box_w + gap_x), margin + row * (box_h + gap_y))
    width = margin * 2 + (max(by_column, default=0) + 1) * (box_w + gap_x)
    height = margin * 2 + max((len(v) for v in by_column.values()), default=1) * (box_h + gap_y)
    # With links the drawing is a group of links, not one image (an img's children are not announced).
    role = "group" if href else "img"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="{role}" aria-labelledby="graph-title"><title id="graph-title">{escape(title)}</title>',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#44546a"/></marker></defs>']
    for edge in graph["edges"]:
        (x1, y1), (x2, y2) = position[edge["source"]], position[edge["target"]]
        sx, sy, tx, ty = x1 + box_w, y1 + box_h / 2, x2, y2 + box_h / 2
        if tx <= sx:  # backwards (a cycle) or same column: loop below
            sx, tx = x1 + box_w / 2, x2 + box_w / 2
            sy, ty = y1 + box_h, y2 + box_h
        colour = "#b00020" if edge["problem"] else "#44546a"
        dash = ' stroke-dasharray="6 4"' if edge["status"] == "planned" else ""
        mid = (sx + tx) / 2
        out.append(f'<path d="M{sx:.0f},{sy:.0f} C{mid:.0f},{sy:.0f} {mid:.0f},{ty:.0f} {tx:.0f},{ty:.0f}" fill="none" '
                   f'stroke="{colour}" stroke-width="1.6"{dash} marker-end="url(#arrow)">'
                   f'<title>{escape(edge["label"])}</title></path>')
    for node in graph["nodes"]:
        x, y = position[node["id"]]
        rx = 4 if node["kind"] == "system" else 18
        fill = "#e8eef5" if node["kind"] == "system" else "#f4efe6"
        label = node["label"] if len(node["label"]) <= 26 else node["label"][:25] + "…"
        shape = (f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="{rx}" fill="{fill}" stroke="#2b3a4a"/>'
                 f'<text x="{x + box_w / 2}" y="{y + 27}" text-anchor="middle" font-family="sans-serif" '
                 f'font-size="13" fill="#1a1a1a">{escape(label)}</text>')
        link = href(node) if href else None
        body = f'<title>{escape(node["label"])}</title>{shape}'
        out.append(f'<a href="{escape(link)}">{body}</a>' if link else f"<g>{body}</g>")
    out.append("</svg>")
    return "\n".join(out)
