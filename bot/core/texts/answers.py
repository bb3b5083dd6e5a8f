"""Texts about an agent's reply to the customer (the "Reply…" form and `/reply`)."""

from __future__ import annotations

ANSWERS: dict[str, dict[str, str]] = {
    "button.reply": {"en": "Reply…", "es": "Responder…"},
    # The form's title: at most 24 characters (Slack's limit for a modal title).
    "answer.form_title": {"en": "Reply to the customer", "es": "Responder al cliente"},
    "answer.form_label": {"en": "Your reply", "es": "Tu respuesta"},
    "answer.form_hint": {
        "en": "Edit it as you like. It is posted in the customer's thread, signed with your name.",
        "es": "Edítala a tu gusto. Se publica en el hilo del cliente, firmada con tu nombre.",
    },
    "answer.form_send": {"en": "Send", "es": "Enviar"},
    "answer.form_cancel": {"en": "Cancel", "es": "Cancelar"},
    "answer.form_how": {"en": "How", "es": "Cómo"},
    "answer.form_post": {
        "en": "Post it in the customer's thread",
        "es": "Publicarla en el hilo del cliente",
    },
    "answer.form_copy": {
        "en": "I send it myself (email, form): copy and mark as sent",
        "es": "La envío yo (correo, formulario): copiar y marcar como enviada",
    },
    "answer.use_form": {
        "en": "Click Reply… again to open the reply form.",
        "es": "Vuelve a pulsar Responder… para abrir el formulario de respuesta.",
    },
    "answer.empty": {
        "en": "The reply is empty: write what the customer should read.",
        "es": "La respuesta está vacía: escribe lo que el cliente debe leer.",
    },
    "answer.too_long": {
        "en": "The reply has {length} characters; the most is {limit}. Shorten it.",
        "es": "La respuesta tiene {length} caracteres; el máximo es {limit}. Acórtala.",
    },
    "answer.unfilled": {
        "en": "Fill in {blanks} first: the customer would read the blank as it is.",
        "es": "Completa antes {blanks}: el cliente leería el hueco tal cual.",
    },
    "answer.queued": {
        "en": "Your reply to case {ref} is on its way to the customer.",
        "es": "Tu respuesta al caso {ref} va en camino al cliente.",
    },
    "answer.copied": {
        "en": "Case {ref}: your reply is recorded as sent. Copy it into your email or form.",
        "es": "Caso {ref}: tu respuesta queda registrada como enviada. Cópiala en tu correo "
        "o formulario.",
    },
    "answer.sent_by": {
        "en": "✉️ Reply sent to the customer by {name}.",
        "es": "✉️ Respuesta enviada al cliente por {name}.",
    },
    "answer.copied_by": {
        "en": "✉️ {name} sent the customer a reply outside the chat (recorded as sent).",
        "es": "✉️ {name} envió al cliente una respuesta fuera del chat (registrada como enviada).",
    },
    "answer.gone": {
        "en": "That case no longer exists, so there is nobody to reply to.",
        "es": "Ese caso ya no existe, así que no hay a quién responder.",
    },
    "answer.usage": {
        "en": "Usage: /reply [#case] [suggestion] [text]. Suggestions: {ids}.",
        "es": "Uso: /reply [#caso] [sugerencia] [texto]. Sugerencias: {ids}.",
    },
    "mirror.customer": {
        "en": "💬 {name} (the customer) wrote in their thread at {at}:",
        "es": "💬 {name} (el cliente) escribió en su hilo a las {at}:",
    },
    "mirror.agent": {
        "en": "💬 {name} (team) wrote in the customer's thread at {at}:",
        "es": "💬 {name} (equipo) escribió en el hilo del cliente a las {at}:",
    },
    "mirror.other": {
        "en": "💬 {name} (not the customer) wrote in the customer's thread at {at}:",
        "es": "💬 {name} (no es el cliente) escribió en el hilo del cliente a las {at}:",
    },
    "answer.discord_copy_label": {
        "en": "Type COPY if you send it yourself",
        "es": "Escribe COPY si la envías tú",
    },
    "answer.discord_copy_hint": {
        "en": "Empty: post it in the customer's thread",
        "es": "Vacío: publicarla en el hilo del cliente",
    },
    "answer.discord_copy_bad": {
        "en": "Type COPY to record the reply as sent by you, or leave that field empty to "
        "post it in the customer's thread.",
        "es": "Escribe COPY para registrar la respuesta como enviada por ti, o deja ese campo "
        "vacío para publicarla en el hilo del cliente.",
    },
    "answer.discord_edit_again": {"en": "Edit and send", "es": "Editar y enviar"},
    "answer.discord_not_saved": {
        "en": "Sereno could not save that just now, so nothing was sent. Try again in a moment.",
        "es": "Sereno no pudo guardarlo ahora, así que no se envió nada. Inténtalo de nuevo "
        "en un momento.",
    },
    "answer.form_failed": {
        "en": "Slack could not open the reply form ({why}). Click Reply… again in a moment.",
        "es": "Slack no pudo abrir el formulario de respuesta ({why}). Vuelve a pulsar "
        "Responder… en un momento.",
    },
    "event.reply_queued": {"en": "reply queued", "es": "respuesta en camino"},
    "event.reply_sent": {"en": "reply sent", "es": "respuesta enviada"},
}
