"""Texts about delivery: a message the platform refused, as the team is told."""

from __future__ import annotations

DELIVERY: dict[str, dict[str, str]] = {
    "delivery.refused_title": {
        "en": "⚠️ Case {ref}: Sereno could not post in the channel",
        "es": "⚠️ Caso {ref}: Sereno no pudo publicar en el canal",
    },
    "delivery.refused_other_title": {
        "en": "⚠️ Sereno could not post a message",
        "es": "⚠️ Sereno no pudo publicar un mensaje",
    },
    "delivery.refused_why": {
        "en": "The platform refused the {kind} message: {error}",
        "es": "La plataforma rechazó el mensaje ({kind}): {error}",
    },
    "delivery.refused_next": {
        "en": "The case is saved. Work it with `/complaint show {ref}`; an admin should check "
        "Sereno's access to that channel.",
        "es": "El caso está guardado. Trabájalo con `/complaint show {ref}`; un administrador "
        "debería revisar el acceso de Sereno a ese canal.",
    },
    "view.undelivered": {
        "en": "⚠️ Not delivered: {items}",
        "es": "⚠️ No entregado: {items}",
    },
    "event.delivery_failed": {"en": "message not delivered", "es": "mensaje no entregado"},
    "inbox.parked_title": {
        "en": "⚠️ Sereno set aside an event it could not handle",
        "es": "⚠️ Sereno apartó un evento que no pudo procesar",
    },
    "inbox.parked_why": {
        "en": "A {kind} event received {received} failed {attempts} times: {error}",
        "es": "Un evento {kind} recibido el {received} falló {attempts} veces: {error}",
    },
    "audience.refused_title": {
        "en": "⚠️ Customers can read complaints channel {channel}: Sereno stays silent there",
        "es": "⚠️ Los clientes pueden leer el canal de quejas {channel}: Sereno no publica allí",
    },
    "audience.refused_why": {
        "en": "Why: {why}. Case headers, steps and suggested replies are for the team only, "
        "so Sereno opens no case from that channel.",
        "es": "Motivo: {why}. La cabecera del caso, los pasos y las respuestas sugeridas son "
        "solo para el equipo, así que Sereno no abre casos desde ese canal.",
    },
    "audience.refused_next": {
        "en": "If customers never read it (complaints arrive through a form or email "
        "forwarder), list it in {setting}; otherwise use an internal channel for complaints.",
        "es": "Si los clientes nunca lo leen (las quejas llegan por un formulario o un "
        "reenviador de correo), añádelo a {setting}; si no, usa un canal interno para las quejas.",
    },
    "audience.refused_staff": {
        "en": "To work complaints from that channel, set {setting}: each case then gets a "
        "thread in a channel only the team reads.",
        "es": "Para atender las quejas de ese canal, configura {setting}: cada caso tendrá "
        "entonces un hilo en un canal que solo lee el equipo.",
    },
    "storage.damaged_title": {
        "en": "⚠️ Sereno's database is damaged",
        "es": "⚠️ La base de datos de Sereno está dañada",
    },
    "storage.damaged_why": {
        "en": "The background check (PRAGMA quick_check) found: {problem}",
        "es": "La comprobación en segundo plano (PRAGMA quick_check) encontró: {problem}",
    },
    "storage.damaged_next": {
        "en": "An admin should stop Sereno, keep a copy of the damaged file and restore the "
        "newest sound backup (README, 'Backups').",
        "es": "Un administrador debería detener Sereno, guardar una copia del archivo dañado y "
        "restaurar la copia de seguridad sana más reciente (README, «Backups»).",
    },
    "inbox.parked_next": {
        "en": "It is kept. An admin can see it with `sereno doctor` and, once the cause is "
        "fixed, try it again with `sereno doctor --retry-parked`.",
        "es": "Está guardado. Un administrador puede verlo con `sereno doctor` y, una vez "
        "resuelta la causa, reintentarlo con `sereno doctor --retry-parked`.",
    },
}
