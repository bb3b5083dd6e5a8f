"""The replies Sereno gives agents (ephemeral answers and read-only views), in each language.

Same shape as `texts.TEXTS`, which merges these in: use `texts.t` to read them.
English texts are exactly what Sereno always said; Spanish is neutral and uses "tú".
"""

from __future__ import annotations

_ENGINE: dict[str, dict[str, str]] = {
    "reply.only_team": {
        "en": "Only the support team can do that.",
        "es": "Solo el equipo de soporte puede hacer eso.",
    },
    "reply.own_complaint": {
        "en": "You can't work on your own complaint.",
        "es": "No puedes atender tu propia queja.",
    },
    "reply.no_step": {
        "en": "Case {ref} has no step '{step}'. Steps: {steps}.",
        "es": "El caso {ref} no tiene el paso '{step}'. Pasos: {steps}.",
    },
    "reply.reopen_first": {
        "en": "Case {ref} is {status}; reopen it first.",
        "es": "El caso {ref} está {status}; reábrelo primero.",
    },
    "reply.step_already": {
        "en": "Step '{step}' is already {state}.",
        "es": "El paso '{step}' ya está {state}.",
    },
    "reply.step.done": {
        "en": "✓ Step '{step}' done by {actor} on {ref}.",
        "es": "✓ Paso '{step}' hecho por {actor} en {ref}.",
    },
    "reply.step.skipped": {
        "en": "✓ Step '{step}' skipped by {actor} on {ref}.",
        "es": "✓ Paso '{step}' saltado por {actor} en {ref}.",
    },
    "reply.step.pending": {
        "en": "✓ Step '{step}' back to pending by {actor} on {ref}.",
        "es": "✓ Paso '{step}' devuelto a pendiente por {actor} en {ref}.",
    },
    "reply.assigned": {
        "en": "{ref} is now assigned to {who}.",
        "es": "{ref} ahora está asignado a {who}.",
    },
    "reply.note_empty": {
        "en": "Write the note after the command: note <text>.",
        "es": "Escribe la nota después del comando: note <texto>.",
    },
    "reply.noted": {"en": "Noted on {ref}.", "es": "Anotado en {ref}."},
    "reply.followup_past": {
        "en": "That time is in the past; give a future time, e.g. 'in 3 days'.",
        "es": "Esa hora ya pasó; indica una hora futura, p. ej. 'en 3 días'.",
    },
    "reply.followup_set": {
        "en": "Follow-up for {ref} set for {when} UTC.",
        "es": "Seguimiento de {ref} programado para el {when} UTC.",
    },
    "reply.unknown_flag": {
        "en": "Unknown flag '{flag}'. Flags: {flags}.",
        "es": "Marca desconocida '{flag}'. Marcas: {flags}.",
    },
    "reply.flagged": {"en": "{ref} flagged '{flag}'.", "es": "{ref} marcado con '{flag}'."},
    "reply.resolved": {"en": "{ref} resolved by {actor}.", "es": "{ref} resuelto por {actor}."},
    "reply.closed": {"en": "{ref} closed by {actor}.", "es": "{ref} cerrado por {actor}."},
    "reply.let_go": {
        "en": "{ref} let go by {actor}.",
        "es": "{ref} cerrado sin acuerdo por {actor}.",
    },
    "reply.reopened": {"en": "{ref} reopened by {actor}.", "es": "{ref} reabierto por {actor}."},
    "reply.suggestions": {"en": "Suggestions: {ids}", "es": "Sugerencias: {ids}"},
    "reply.suggestion_posted": {
        "en": "Suggestion '{suggestion}' posted in {ref}'s thread.",
        "es": "Sugerencia '{suggestion}' publicada en el hilo de {ref}.",
    },
}

_LIFECYCLE: dict[str, dict[str, str]] = {
    "refusal.plain": {
        "en": "Can't {verb} a case that is {label}.",
        "es": "No puedes {verb} un caso {label}.",
    },
    "refusal.hint": {
        "en": "Can't {verb} a case that is {label}: {hint}.",
        "es": "No puedes {verb} un caso {label}: {hint}.",
    },
    "hint.resolve_first": {
        "en": "resolve it first, or let it go",
        "es": "resuélvelo primero o ciérralo sin acuerdo",
    },
    "hint.already_open": {"en": "it is already open", "es": "ya está abierto"},
    "verb.resolve": {"en": "resolve", "es": "resolver"},
    "verb.close": {"en": "close", "es": "cerrar"},
    "verb.let_go": {"en": "let go", "es": "cerrar sin acuerdo"},
    "verb.reopen": {"en": "reopen", "es": "reabrir"},
    "state.pending": {"en": "pending", "es": "pendiente"},
    "state.done": {"en": "done", "es": "hecho"},
    "state.skipped": {"en": "skipped", "es": "saltado"},
    "via.reaction": {"en": "reaction", "es": "reacción"},
    "via.button": {"en": "button", "es": "botón"},
    "via.command": {"en": "command", "es": "comando"},
    "via.auto": {"en": "auto", "es": "automático"},
}

_DISPATCH: dict[str, dict[str, str]] = {
    "command.too_long": {
        "en": "That command is too long (over {limit} characters).",
        "es": "Ese comando es demasiado largo (más de {limit} caracteres).",
    },
    "command.unknown": {
        "en": "I don't know '{shown}'. Try: {names}.",
        "es": "No conozco '{shown}'. Prueba: {names}.",
    },
    "command.help_heading": {
        "en": "Sereno commands (inside a case's thread the case is implied):",
        "es": "Comandos de Sereno (dentro del hilo de un caso, el caso se sobreentiende):",
    },
    "reply.only_team_commands": {
        "en": "Only the support team can run Sereno commands. Try '/complaint help'.",
        "es": "Solo el equipo de soporte puede usar los comandos de Sereno. "
        "Prueba '/complaint help'.",
    },
    "reply.no_case": {"en": "There is no case #{case_id}.", "es": "No existe el caso #{case_id}."},
    "reply.which_case": {
        "en": "Which case? Add its number, e.g. '/complaint {command} #12', "
        "or run it inside the case's thread.",
        "es": "¿Qué caso? Añade su número, p. ej. '/complaint {command} #12', "
        "o usa el comando dentro del hilo del caso.",
    },
    "reply.bad_filter": {
        "en": "I can't filter by '{word}'. {usage}",
        "es": "No puedo filtrar por '{word}'. {usage}",
    },
    "reply.which_step": {"en": "Which step? {usage}", "es": "¿Qué paso? {usage}"},
    "reply.who": {"en": "Who? {usage}", "es": "¿A quién? {usage}"},
    "reply.pick_mention": {
        "en": "I can't tell who '{name}' is. Type @ and pick the person from the list the chat "
        "suggests, e.g. `assign @{name}`, so the case goes to their account. {usage}",
        "es": "No sé quién es '{name}'. Escribe @ y elige a la persona de la lista que propone "
        "el chat, p. ej. `assign @{name}`, para que el caso vaya a su cuenta. {usage}",
    },
    "when.examples": {
        "en": "'in 3 days', 'tomorrow 10:00', 'mañana a las 10', '2026-12-01 09:00'",
        "es": "'en 3 días', 'mañana a las 10', 'in 3 days', '2026-12-01 09:00'",
    },
    "when.passed": {
        "en": "That time has passed. Try {examples}.",
        "es": "Esa hora ya pasó. Prueba {examples}.",
    },
    "when.unreadable": {
        "en": "I couldn't read a time in '{text}'. Try {examples}.",
        "es": "No entendí ninguna hora en '{text}'. Prueba {examples}.",
    },
    "reply.no_such_case": {"en": "That case no longer exists.", "es": "Ese caso ya no existe."},
    "reply.unknown_button": {"en": "Unknown button.", "es": "Botón desconocido."},
}

_REMINDERS: dict[str, dict[str, str]] = {
    "reminder.none": {
        "en": "{ref} has no open reminder.",
        "es": "{ref} no tiene ningún recordatorio abierto.",
    },
    "reminder.already": {
        "en": "That reminder is already {status}.",
        "es": "Ese recordatorio ya está {status}.",
    },
    "reminder.done": {
        "en": "{kind} reminder for {ref} done.",
        "es": "Recordatorio de {ref} ({kind}): hecho.",
    },
    "reminder.cancelled": {
        "en": "{kind} reminder for {ref} cancelled.",
        "es": "Recordatorio de {ref} ({kind}): cancelado.",
    },
    "reminder.none_to_snooze": {
        "en": "{ref} has no open reminder to snooze.",
        "es": "{ref} no tiene ningún recordatorio abierto que posponer.",
    },
    "reminder.snooze_past": {
        "en": "Snooze until a future time, e.g. 'in 2 hours'.",
        "es": "Pospón hasta una hora futura, p. ej. 'en 2 horas'.",
    },
    "reminder.snoozed": {
        "en": "{kind} reminder for {ref} snoozed until {until} UTC.",
        "es": "Recordatorio de {ref} ({kind}) pospuesto hasta el {until} UTC.",
    },
    "reminder_status.pending": {"en": "pending", "es": "pendiente"},
    "reminder_status.sent": {"en": "sent", "es": "enviado"},
    "reminder_status.done": {"en": "done", "es": "hecho"},
    "reminder_status.cancelled": {"en": "cancelled", "es": "cancelado"},
    "due.nothing": {"en": "Nothing is due. 🎉", "es": "No hay nada pendiente. 🎉"},
    "due.nothing_mine": {"en": "Nothing is due for you.", "es": "No tienes nada pendiente."},
    "due.pinged": {"en": "pinged", "es": "avisado"},
    "due.due": {"en": "due", "es": "pendiente"},
    "due.now": {"en": "now", "es": "ahora"},
}

_RECORDS: dict[str, dict[str, str]] = {
    "remedy.usage": {
        "en": "Usage: /complaint remedy [#case] refund|discount|replacement|other "
        "<amount> <currency> [note], e.g. 'remedy #12 refund 25.50 EUR'.",
        "es": "Uso: /complaint remedy [#case] refund|discount|replacement|other "
        "<amount> <currency> [note], p. ej. 'remedy #12 refund 25.50 EUR'.",
    },
    "remedy.not_amount": {
        "en": "'{raw}' is not an amount. {usage}",
        "es": "'{raw}' no es un importe. {usage}",
    },
    "remedy.recorded": {
        "en": "Recorded on {ref}: {kind} {amount} {currency}, approved by {actor}.",
        "es": "Registrado en {ref}: {kind} {amount} {currency}, aprobado por {actor}.",
    },
    "remedy.refund": {"en": "refund", "es": "reembolso"},
    "remedy.discount": {"en": "discount", "es": "descuento"},
    "remedy.replacement": {"en": "replacement", "es": "reposición"},
    "remedy.other": {"en": "other", "es": "otro"},
    "satisfied.usage": {
        "en": "Usage: /complaint satisfied [#case] 1-5 [comment], e.g. "
        "'satisfied #12 5 happy with the refund'.",
        "es": "Uso: /complaint satisfied [#case] 1-5 [comment], p. ej. "
        "'satisfied #12 5 contento con el reembolso'.",
    },
    "satisfied.recorded": {
        "en": "Satisfaction {score}/5 recorded on {ref}.",
        "es": "Satisfacción {score}/5 registrada en {ref}.",
    },
    "story.not_resolved": {
        "en": "Only a resolved case can be a success story; {ref} is {status}.",
        "es": "Solo un caso resuelto puede ser un caso de éxito; {ref} está {status}.",
    },
    "story.already": {
        "en": "{ref} is already a success story.",
        "es": "{ref} ya es un caso de éxito.",
    },
    "story.marked": {
        "en": "{ref} marked as a success story.",
        "es": "{ref} marcado como caso de éxito.",
    },
    "export.formats": {
        "en": "Formats: md (for people), json (for machines), csv. A period (7d, 30d, "
        "2026-11-01..2026-11-15) is for the list of cases, outside a case.",
        "es": "Formatos: md (para personas), json (para máquinas), csv. Un periodo (7d, 30d, "
        "2026-11-01..2026-11-15) es para la lista de casos, fuera de un caso.",
    },
    "export.cases_posted": {
        "en": "The list of cases ({held}) is posted here as {file}.",
        "es": "La lista de casos ({held}) está publicada aquí como {file}.",
    },
    "export.period": {
        "en": "Cases opened {start} to {end}.",
        "es": "Casos abiertos del {start} al {end}.",
    },
    "export.title_some": {
        "en": "📄 The newest {held} of {total} cases (CSV)",
        "es": "📄 Los {held} casos más recientes de {total} (CSV)",
    },
    "export.cases_held": {
        "en": "The file holds the newest {held} of {total} cases: files here can be at most "
        "{limit}. For every case, run `sereno export` where Sereno runs, or ask for a shorter "
        "period, e.g. `export csv 30d` or `export csv 2026-11-01..2026-11-15`.",
        "es": "El archivo contiene los {held} casos más recientes de {total}: aquí los archivos "
        "pueden ocupar como mucho {limit}. Para tener todos, ejecuta `sereno export` donde corre "
        "Sereno, o pide un periodo más corto, p. ej. `export csv 30d` o "
        "`export csv 2026-11-01..2026-11-15`.",
    },
    "export.case_posted": {
        "en": "The report of {ref} is posted in its thread as {file}.",
        "es": "El informe de {ref} está publicado en su hilo como {file}.",
    },
    "export.team_posted": {
        "en": "The team report is posted here.",
        "es": "El informe del equipo está publicado aquí.",
    },
    "export.stories_posted": {
        "en": "The success stories are posted here as {file}.",
        "es": "Los casos de éxito están publicados aquí como {file}.",
    },
}

_VIEWS: dict[str, dict[str, str]] = {
    "view.complaint_by": {
        "en": "Complaint by {customer}: {text}",
        "es": "Queja de {customer}: {text}",
    },
    "view.step_by": {
        "en": " by {actor} via {via} at {when}",
        "es": " por {actor} vía {via} el {when}",
    },
    "view.timeline": {"en": "Timeline of {ref}:", "es": "Cronología de {ref}:"},
    "view.no_cases": {"en": "No cases match.", "es": "Ningún caso coincide."},
    "view.case_line": {
        "en": "{ref} · {status} · {reason} · intensity {intensity} · {who} · {customer} · "
        "opened {age} min ago",
        "es": "{ref} · {status} · {reason} · intensidad {intensity} · {who} · {customer} · "
        "abierto hace {age} min",
    },
    "view.playbook": {"en": "Playbook '{id}': {name}", "es": "Guía de pasos '{id}': {name}"},
}

_TEAM: dict[str, dict[str, str]] = {
    "reply.only_lead": {
        "en": "Only the team lead can export every case. Export one case with "
        "'/complaint export #12'.",
        "es": "Solo la persona responsable del equipo puede exportar todos los casos. "
        "Exporta un caso con '/complaint export #12'.",
    },
    "flood.title": {
        "en": "⚠️ Flood: {who} posted more than {limit} complaints within a minute",
        "es": "⚠️ Avalancha: {who} publicó más de {limit} quejas en un minuto",
    },
    "flood.joined": {
        "en": "Their next messages join case {ref} until a quiet minute; no new cases open "
        "for them meanwhile.",
        "es": "Sus siguientes mensajes se suman al caso {ref} hasta un minuto sin mensajes; "
        "mientras tanto no se abren casos nuevos.",
    },
    "flood.check": {
        "en": "Check whether it is a forwarder in a loop or abuse, and look at {ref}'s timeline.",
        "es": "Comprueba si es un reenvío en bucle o un abuso, y mira la cronología de {ref}.",
    },
}

REPLIES: dict[str, dict[str, str]] = {
    **_ENGINE,
    **_LIFECYCLE,
    **_DISPATCH,
    **_REMINDERS,
    **_RECORDS,
    **_VIEWS,
    **_TEAM,
}
