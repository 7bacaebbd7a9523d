"""Writing assessments through the services, for the compliance tests."""

from __future__ import annotations

import datetime

from django.utils import timezone

from compliance import services
from compliance.models import Assessment
from credit.models import StandardItem


def codes() -> list[str]:
    return list(
        StandardItem.objects.filter(active=True).order_by("position", "code").values_list("code", flat=True)
    )


def answers(not_met: tuple[str, ...] = (), **judgements: str) -> dict[str, tuple[str, str, str]]:
    """Every item met, except ``not_met`` (with evidence) and ``judgements`` (code -> judgement)."""
    found = dict.fromkeys(codes(), ("met", "", ""))
    for code in not_met:
        found[code] = ("not_met", "抽查 5 份报关单，2 份缺少复核记录。", "")
    for code, judgement in judgements.items():
        found[code] = (judgement, "现场核查记录", "")
    return found


def action(code: str, days: int = 30, **kwargs) -> services.ActionInput:
    return services.ActionInput(
        item_code=code,
        description=kwargs.get("description", "建立报关单复核制度并培训关务人员"),
        owner=kwargs.get("owner", "关务经理 王芳"),
        due_on=timezone.localdate() + datetime.timedelta(days=days),
    )


def draft(world, *, not_met: tuple[str, ...] = (), actor=None, actions=None, **kwargs) -> Assessment:
    actor = actor or world.coordinator.user
    assessment = services.start_assessment(enterprise=world.enterprise, actor=actor)
    return services.save_assessment(
        assessment=assessment,
        actor=actor,
        assessed_on=timezone.localdate(),
        summary=kwargs.pop("summary", "内部控制总体有效。"),
        answers=answers(not_met),
        actions=actions if actions is not None else [action(code) for code in not_met],
        **kwargs,
    )


def signed(world, *, not_met: tuple[str, ...] = ()) -> Assessment:
    assessment = draft(world, not_met=not_met, sign=True)
    services.sign_assessment(assessment=assessment, actor=world.partner.user)
    assessment.refresh_from_db()
    return assessment
