"""The team report's texts, in each language.

Same shape as `texts.TEXTS`, which merges these in: use `texts.t` (or `texts.plural`
for the `.one`/`.many` pairs) to read them. English is exactly what the report
always said; Spanish is neutral.
"""

from __future__ import annotations

TEAM_REPORT: dict[str, dict[str, str]] = {
    "team.title": {
        "en": "📊 Team report · {start} → {end} (UTC)",
        "es": "📊 Informe del equipo · {start} → {end} (UTC)",
    },
    "team.empty": {
        "en": "No cases were opened in this period.",
        "es": "No se abrió ningún caso en este periodo.",
    },
    "team.summary": {
        "en": "{opened} opened · {resolved} resolved · {let_go} let go · {still_open} still open",
        "es": "{opened} recibido(s) · {resolved} resuelto(s) · {let_go} cerrado(s) sin acuerdo · "
        "{still_open} aún abierto(s)",
    },
    "team.response": {"en": "⏱ Response", "es": "⏱ Respuesta"},
    "team.first_response": {"en": "First response", "es": "Primera respuesta"},
    "team.resolution": {"en": "Resolution", "es": "Resolución"},
    "team.no_data": {"en": "{label}: no data yet", "es": "{label}: aún sin datos"},
    "team.times": {
        "en": "{label}: median {median} · 90% within {p90} ({cases})",
        "es": "{label}: mediana {median} · el 90% en {p90} o menos ({cases})",
    },
    "team.cases.one": {"en": "{count} case", "es": "{count} caso"},
    "team.cases.many": {"en": "{count} cases", "es": "{count} casos"},
    "team.share": {
        "en": "{part} of {whole} ({percent}%)",
        "es": "{part} de {whole} ({percent}%)",
    },
    "team.none": {"en": "none", "es": "ninguno"},
    "team.breaches": {
        "en": "Response-clock breaches: {share}",
        "es": "Primeras respuestas fuera de plazo: {share}",
    },
    "team.followups": {
        "en": "Follow-ups done on time: {share}",
        "es": "Seguimientos hechos a tiempo: {share}",
    },
    "team.followups_none": {
        "en": "Follow-ups done on time: none due",
        "es": "Seguimientos hechos a tiempo: no tocaba ninguno",
    },
    "team.cases_by": {"en": "📂 Cases by", "es": "📂 Casos por"},
    "team.reason": {"en": "Reason", "es": "Motivo"},
    "team.kind": {"en": "Kind of customer", "es": "Tipo de cliente"},
    "team.intensity": {"en": "Intensity", "es": "Intensidad"},
    "team.calm": {"en": "calm", "es": "calma"},
    "team.channel": {"en": "Channel", "es": "Canal"},
    "team.others": {"en": "others {count}", "es": "otros {count}"},
    "team.repeat": {
        "en": "🔁 Repeat customers: {top_cases} of the {cases} cases ({percent}%) came from the "
        "most frequent 20% of customers ({top_customers} of {customers})",
        "es": "🔁 Clientes recurrentes: {top_cases} de los {cases} casos ({percent}%) vinieron "
        "del 20% de clientes más frecuentes ({top_customers} de {customers})",
    },
    "team.agents": {
        "en": "👥 Agents (open now · resolved in the period)",
        "es": "👥 Agentes (abiertos ahora · resueltos en el periodo)",
    },
    "team.agent": {
        "en": "• {name}: {open} open · {resolved} resolved",
        "es": "• {name}: {open} abierto(s) · {resolved} resuelto(s)",
    },
    "team.remedies": {"en": "💶 Remedies by reason", "es": "💶 Compensaciones por motivo"},
    "team.remedy": {"en": "• {reason}: {count} · {money}", "es": "• {reason}: {count} · {money}"},
    "team.no_amount": {"en": "no amount", "es": "sin importe"},
    "team.satisfaction": {
        "en": "😊 Satisfaction after follow-up, by how hot the complaint was at first",
        "es": "😊 Satisfacción tras el seguimiento, según lo acalorada que llegó la queja",
    },
    "team.levels": {"en": "Intensity {levels}", "es": "Intensidad {levels}"},
    "team.paradox": {
        "en": "Hot (2–3): {hot} from {hot_count} · calm (0–1): {calm} from {calm_count}",
        "es": "Acaloradas (2–3): {hot} sobre {hot_count} · tranquilas (0–1): {calm} sobre "
        "{calm_count}",
    },
    "team.happier": {
        "en": "→ hot complaints ended happier than calm ones: the recovery paradox shows.",
        "es": "→ las quejas acaloradas terminaron más satisfechas que las tranquilas: se ve la "
        "paradoja de la recuperación.",
    },
    "team.less_happy": {
        "en": "→ hot complaints ended less satisfied than calm ones: no recovery paradox yet.",
        "es": "→ las quejas acaloradas terminaron menos satisfechas que las tranquilas: aún no "
        "se ve la paradoja de la recuperación.",
    },
    "team.as_happy": {
        "en": "→ hot and calm complaints ended equally satisfied.",
        "es": "→ las quejas acaloradas y las tranquilas terminaron igual de satisfechas.",
    },
}
