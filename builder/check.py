"""Cross-file checks that need every variant: links that a variant would break."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .links import used_links
from .models import Content, Project, Variant
from .problems import Report
from .stage import Plan


def check_links(project: Project, plans: Iterable[Plan], report: Report) -> None:
    """Report each link whose target a variant does not publish, naming the variants and the reason."""
    broken: dict[tuple[str, int, str, str, str], list[Variant]] = defaultdict(list)
    for plan in plans:
        published = {s.page.path for s in plan.pages} | set(plan.assets) | {name for name, _ in plan.files}
        for staged in plan.pages:
            if staged.teaser:
                continue
            for link in used_links(staged.text.split("\n"), staged.page.path):
                # A link to a folder (`<a href="courses/">`) reaches the folder's index page.
                if link.target not in published and f"{link.target}/index.md" not in published:
                    key = (staged.page.source, link.line, link.target, staged.page.prefix, plan.variant.version.name)
                    broken[key].append(plan.variant)
    for (source, line, target, prefix, version), variants in sorted(broken.items()):
        content = project.contents[version]
        named = f"{prefix}{target}"
        if target not in {p.path for p in content.pages} and target not in content.assets:
            report.error(source, line, "broken-link", f"link to '{named}', which does not exist")
        else:
            report.error(
                source,
                line,
                "gated-link",
                f"link to '{named}', {_why_missing(project, content, target)}; the {_variant_list(variants)} build would have a broken link (gate the link, or give the target 'teaser: true')",
            )


def _why_missing(project: Project, content: Content, target: str) -> str:
    page = next((p for p in content.pages if p.path == target and p.lang == project.program.default_language), None)
    if page is None:
        return "an asset not published there"
    reasons = []
    if page.min_tier != project.program.lowest_tier:
        reasons.append(f"which needs tier '{page.min_tier.id}' and has no teaser")
    if page.regions is not None:
        reasons.append(f"limited to regions {', '.join(sorted(page.regions))}")
    return " and ".join(reasons) or "which is not published there"


def _variant_list(variants: list[Variant]) -> str:
    names = sorted({f"{v.region.id}/{v.tier.id}" for v in variants})
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return shown
