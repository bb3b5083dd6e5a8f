"""The fixed texts Sereno writes into case threads and replies to agents, in each language.

Keys map to {"en": ..., "es": ...}; `t` picks one and fills its str.format
placeholders, falling back to English. Spanish is neutral and uses "tú".
"""

from __future__ import annotations

from typing import Any

from bot.core.texts.answers import ANSWERS
from bot.core.texts.delivery import DELIVERY
from bot.core.texts.replies import REPLIES
from bot.core.texts.report import TEAM_REPORT

FALLBACK = "en"

_HEADER: dict[str, dict[str, str]] = {
    "header.title": {
        "en": "Case {ref} · {reason} · {flames} intensity {intensity}/3 · impact {impact} · "
        "{language}",
        "es": "Caso {ref} · {reason} · {flames} intensidad {intensity}/3 · impacto {impact} · "
        "{language}",
    },
    "header.why": {"en": "Why: {why}", "es": "Por qué: {why}"},
    "header.why_calm": {
        "en": "Why: calm wording, no threats.",
        "es": "Por qué: tono tranquilo, sin amenazas.",
    },
    "header.reason": {"en": "Reason: {reason}{words}", "es": "Motivo: {reason}{words}"},
    "header.kind": {
        "en": "Customer seems: {kind} ({cues}){tip}",
        "es": "El cliente parece: {kind} ({cues}){tip}",
    },
    "header.history_first": {
        "en": "History: first complaint from this customer.",
        "es": "Historial: primera queja de este cliente.",
    },
    "header.history": {
        "en": "History: {earlier} earlier case(s): {resolved} resolved, {let_go} let go, "
        "{still_open} still open.",
        "es": "Historial: {earlier} caso(s) anterior(es): {resolved} resuelto(s), "
        "{let_go} sin acuerdo, {still_open} aún abierto(s).",
    },
    "header.chronic": {
        "en": " ⚠ Chronic complainer: evaluate (seed 001 tip 9).",
        "es": " ⚠ Se queja por costumbre: evalúalo (seed 001 tip 9).",
    },
    "progress.count": {"en": "Progress {done}/{total}", "es": "Progreso {done}/{total}"},
    "progress.now": {"en": "▸ now: {step}", "es": "▸ ahora: {step}"},
    "progress.all_done": {"en": "all steps worked", "es": "todos los pasos atendidos"},
    "header.status": {"en": "Status: {label} · {who}", "es": "Estado: {label} · {who}"},
    "header.unassigned": {"en": "unassigned", "es": "sin asignar"},
    "header.next": {
        "en": " · next: {kind} {due} UTC ({when})",
        "es": " · próximo: {kind} {due} UTC ({when})",
    },
    "header.due_in": {"en": "in {delta}", "es": "en {delta}"},
    "header.overdue": {"en": "overdue by {delta}", "es": "vencido hace {delta}"},
    # A customer's earlier cases as evidence in "Why:" (read with `plural`).
    "evidence.earlier.one": {"en": "{count} earlier case", "es": "{count} caso anterior"},
    "evidence.earlier.many": {"en": "{count} earlier cases", "es": "{count} casos anteriores"},
    "evidence.resolved.one": {"en": "{count} resolved", "es": "{count} resuelto"},
    "evidence.resolved.many": {"en": "{count} resolved", "es": "{count} resueltos"},
    "evidence.let_go.one": {"en": "{count} let go", "es": "{count} cerrado sin acuerdo"},
    "evidence.let_go.many": {"en": "{count} let go", "es": "{count} cerrados sin acuerdo"},
    "evidence.still_open.one": {"en": "{count} still open", "es": "{count} aún abierto"},
    "evidence.still_open.many": {"en": "{count} still open", "es": "{count} aún abiertos"},
}

_VALUES: dict[str, dict[str, str]] = {
    "status.new": {"en": "new", "es": "nuevo"},
    "status.in_progress": {"en": "in progress", "es": "en curso"},
    "status.resolved": {"en": "resolved", "es": "resuelto"},
    "status.closed": {"en": "closed", "es": "cerrado"},
    "status.let_go": {"en": "let go", "es": "cerrado sin acuerdo"},
    "reason.product": {"en": "product", "es": "producto"},
    "reason.delivery": {"en": "delivery", "es": "entrega"},
    "reason.billing": {"en": "billing", "es": "facturación"},
    "reason.service": {"en": "service", "es": "atención"},
    "reason.technical": {"en": "technical", "es": "técnico"},
    "reason.other": {"en": "other", "es": "otro"},
    "impact.low": {"en": "low", "es": "bajo"},
    "impact.medium": {"en": "medium", "es": "medio"},
    "impact.high": {"en": "high", "es": "alto"},
    "kind.argumentative": {"en": "argumentative", "es": "polémico"},
    "kind.talkative": {"en": "talkative", "es": "hablador"},
    "kind.indecisive": {"en": "indecisive", "es": "indeciso"},
    "kind.know-it-all": {"en": "know-it-all", "es": "sabelotodo"},
    "kind.meticulous": {"en": "meticulous", "es": "meticuloso"},
    "kind.impulsive": {"en": "impulsive", "es": "impulsivo"},
    "kind.distrustful": {"en": "distrustful", "es": "desconfiado"},
    "kind.rude": {"en": "rude", "es": "grosero"},
    "kind.unknown": {"en": "unknown", "es": "desconocido"},
    "clock.first-response": {"en": "first-response", "es": "primera respuesta"},
    "clock.stalled": {"en": "stalled", "es": "sin actividad"},
    "clock.follow-up": {"en": "follow-up", "es": "seguimiento"},
    "clock.improvement": {"en": "improvement", "es": "mejora"},
    "clock.custom": {"en": "custom", "es": "recordatorio"},
    # Timeline entries (EventKind); English timelines show the raw value (`label`).
    "event.opened": {"en": "opened", "es": "caso abierto"},
    "event.claimed": {"en": "claimed", "es": "asumido"},
    "event.assigned": {"en": "assigned", "es": "asignado"},
    "event.step_done": {"en": "step done", "es": "paso hecho"},
    "event.step_undone": {"en": "step undone", "es": "paso devuelto a pendiente"},
    "event.step_skipped": {"en": "step skipped", "es": "paso saltado"},
    "event.note": {"en": "note", "es": "nota"},
    "event.customer_message": {"en": "customer message", "es": "mensaje del cliente"},
    "event.agent_message": {"en": "agent message", "es": "mensaje del agente"},
    "event.anger_rising": {"en": "anger rising", "es": "enojo en aumento"},
    "event.followup_set": {"en": "follow-up set", "es": "seguimiento programado"},
    "event.flag_set": {"en": "flag set", "es": "marca añadida"},
    "event.resolved": {"en": "resolved", "es": "resuelto"},
    "event.closed": {"en": "closed", "es": "cerrado"},
    "event.let_go": {"en": "let go", "es": "cerrado sin acuerdo"},
    "event.reopened": {"en": "reopened", "es": "reabierto"},
    "event.message_edited": {"en": "message edited", "es": "mensaje editado"},
    "event.message_deleted": {"en": "message deleted", "es": "mensaje borrado"},
    "event.reaction_ignored": {"en": "reaction ignored", "es": "reacción ignorada"},
    "event.suggestion_shown": {"en": "suggestion shown", "es": "sugerencia mostrada"},
    "event.reminder_sent": {"en": "reminder sent", "es": "recordatorio enviado"},
    "event.reminder_escalated": {"en": "reminder escalated", "es": "recordatorio escalado"},
    "event.reminder_done": {"en": "reminder done", "es": "recordatorio hecho"},
    "event.reminder_snoozed": {"en": "reminder snoozed", "es": "recordatorio pospuesto"},
    "event.reminder_cancelled": {"en": "reminder cancelled", "es": "recordatorio cancelado"},
    "event.remedy": {"en": "remedy", "es": "compensación"},
    "event.satisfaction": {"en": "satisfaction", "es": "satisfacción"},
    "event.story_marked": {"en": "success story", "es": "caso de éxito"},
    "event.customer_forgotten": {"en": "customer forgotten", "es": "datos del cliente borrados"},
}

_CARDS: dict[str, dict[str, str]] = {
    "opener.title": {
        "en": "Case {ref}: a complaint from {customer}",
        "es": "Caso {ref}: una queja de {customer}",
    },
    "opener.where": {
        "en": "In channel {channel}, which customers can read: Sereno posts nothing there.",
        "es": "En el canal {channel}, que los clientes pueden leer: Sereno no publica nada allí.",
    },
    "opener.link": {"en": "Open the complaint", "es": "Abrir la queja"},
    "button.claim": {"en": "Claim", "es": "Asumir"},
    "button.resolve": {"en": "Resolve", "es": "Resolver"},
    "button.let_go": {"en": "Let go", "es": "Cerrar sin acuerdo"},
    "button.done": {"en": "Done", "es": "Hecho"},
    "button.skip": {"en": "Skip", "es": "Saltar"},
    "button.other": {"en": "Other", "es": "Otra"},
    "step.title": {
        "en": "Step {number}/{total} · {title}",
        "es": "Paso {number}/{total} · {title}",
    },
    "step.advice": {"en": "(advice: {advice})", "es": "(consejo: {advice})"},
    "step.footer": {
        "en": "React ✅ when done, ⏩ to skip · or /complaint done {step}",
        "es": "Reacciona ✅ al terminar, ⏩ para saltarlo · o /complaint done {step}",
    },
    "suggestion.title": {
        "en": "Suggested reply ({language}) — {label}",
        "es": "Respuesta sugerida ({language}) — {label}",
    },
    "anger.title": {
        "en": "🔥 The customer is angrier now ({intensity}/3): {evidence}",
        "es": "🔥 El cliente está más molesto ahora ({intensity}/3): {evidence}",
    },
    "anger.advice": {
        "en": "Anger that grows during the conversation points at how it is being handled "
        "(advice: anger-during). Pause, acknowledge again, and offer a concrete option.",
        "es": "Si el enojo crece durante la conversación, el problema está en cómo se está "
        "llevando (consejo: anger-during). Haz una pausa, vuelve a reconocer su malestar y "
        "ofrece una opción concreta.",
    },
    "report.case": {"en": "📄 Case report {ref}", "es": "📄 Informe del caso {ref}"},
    "report.all_cases": {"en": "📄 All cases (CSV)", "es": "📄 Todos los casos (CSV)"},
    "report.stories": {"en": "🌟 Success stories", "es": "🌟 Casos de éxito"},
    **TEAM_REPORT,
}

_PINGS: dict[str, dict[str, str]] = {
    "ping.title": {"en": "⏰ {label} · {ref}", "es": "⏰ {label} · {ref}"},
    "ping.late": {"en": " · {late} late", "es": " · con {late} de retraso"},
    "ping.note": {"en": "Note: {note}", "es": "Nota: {note}"},
    "ping.footer": {
        "en": "React ✅ when done, 💤 to snooze {snooze} · /complaint snooze {ref} <when> · "
        "/complaint reminder {ref} done|cancel",
        "es": "Reacciona ✅ al terminar, 💤 para posponer {snooze} · /complaint snooze {ref} "
        "<cuándo> · /complaint reminder {ref} done|cancel",
    },
    "escalation.title": {
        "en": "🚨 Escalation · {ref}: {label} — pinged {waited} ago, not handled",
        "es": "🚨 Escalado · {ref}: {label} — avisado hace {waited}, sin atender",
    },
    "escalation.footer": {
        "en": "React ✅ when handled · /complaint reminder {ref} done",
        "es": "Reacciona ✅ cuando esté atendido · /complaint reminder {ref} done",
    },
    "ping.first-response.label": {"en": "First response due", "es": "Primera respuesta pendiente"},
    "ping.first-response.what": {
        "en": "Nobody has acted on this complaint yet. Waiting feeds anger and complaints "
        "spread: claim it and answer now (advice: act-fast).",
        "es": "Nadie ha atendido esta queja todavía. La espera aumenta el enojo y las quejas "
        "se difunden: asúmela y responde ya (consejo: act-fast).",
    },
    "ping.stalled.label": {"en": "Case stalled", "es": "Caso estancado"},
    "ping.stalled.what": {
        "en": "No activity on this open case for a while. Give the customer news, even if it "
        "is 'still working on it' (advice: value-time).",
        "es": "Este caso abierto lleva un tiempo sin actividad. Dale noticias al cliente, "
        "aunque sea 'seguimos trabajando en ello' (consejo: value-time).",
    },
    "ping.follow-up.label": {
        "en": "Follow up with the customer",
        "es": "Haz seguimiento con el cliente",
    },
    "ping.follow-up.what": {
        "en": "It was resolved a few days ago. Ask: is it really solved? are they satisfied? "
        "anything else we can do? (advice: follow-up)",
        "es": "Se resolvió hace unos días. Pregunta: ¿de verdad quedó resuelto? ¿está "
        "satisfecho? ¿podemos hacer algo más? (consejo: follow-up)",
    },
    "ping.improvement.label": {
        "en": "Tell the customer what improved",
        "es": "Cuéntale al cliente qué mejoró",
    },
    "ping.improvement.what": {
        "en": "Tell them what changed thanks to their complaint "
        "(advice: update-improvements, improve).",
        "es": "Cuéntale qué cambió gracias a su queja (consejo: update-improvements, improve).",
    },
    "ping.custom.label": {"en": "Follow-up you scheduled", "es": "Seguimiento que programaste"},
    "ping.custom.what": {
        "en": "The follow-up you asked Sereno to remind you of.",
        "es": "El seguimiento que le pediste a Sereno que te recordara.",
    },
}

TEXTS: dict[str, dict[str, str]] = {
    **_HEADER,
    **_VALUES,
    **_CARDS,
    **_PINGS,
    **REPLIES,
    **DELIVERY,
    **ANSWERS,
}


def t(key: str, lang: str, /, **values: Any) -> str:
    """The text for `key` in `lang` (else English), with its placeholders filled."""
    entry = TEXTS[key]
    text = entry.get(lang) or entry[FALLBACK]
    return text.format(**values)


def plural(key: str, count: int, lang: str) -> str:
    """`key.one` for a count of 1, else `key.many`, with {count} filled in."""
    return t(f"{key}.{'one' if count == 1 else 'many'}", lang, count=count)


def name(group: str, value: str, lang: str) -> str:
    """A vocabulary value (status, reason, kind...) in `lang`; the value itself if unknown."""
    entry = TEXTS.get(f"{group}.{value}")
    return (entry.get(lang) or entry[FALLBACK]) if entry else value


def label(group: str, value: str, lang: str) -> str:
    """A value inside a reply: as is in English (as replies always showed it), else its name."""
    return value if lang == FALLBACK else name(group, value, lang)
