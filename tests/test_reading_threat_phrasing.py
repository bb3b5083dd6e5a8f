"""Threats read by how people phrase them, not by fixed phrases (issue 14 item 2)."""

from __future__ import annotations

import pytest

from bot.core.guidance.playbook import ReadingRules
from bot.core.reading.reader import intensity_of
from playbooks.advice import load_advice_ids
from playbooks.rules import RULES_FILE, load_rules


@pytest.fixture(scope="module")
def rules() -> ReadingRules:
    return load_rules(RULES_FILE, load_advice_ids())


@pytest.mark.parametrize(
    ("text", "language", "group", "quoted"),
    [
        (
            "¿Repetir con vosotros? Ni muertos.",
            "es",
            "leave-threat",
            "Repetir con vosotros? Ni muertos",
        ),
        ("Ni locas volvemos a este sitio.", "es", "leave-threat", "Ni locas volvemos"),
        ("Tengo fotos de la habitación que subiré esta noche.", "es", "public-threat", "fotos"),
        ("Publicaremos los vídeos del retraso.", "es", "public-threat", "Publicaremos los vídeos"),
        (
            "We will not travel with this company, full stop.",
            "en",
            "leave-threat",
            "will not travel",
        ),
        ("I might just go with another carrier instead.", "en", "leave-threat", "might just go"),
        ("Hey @NBCNews look at this queue", "en", "public-threat", "NBCNews"),
        ("@USDOT three hours on the tarmac and no water", "en", "legal-threat", "USDOT"),
        ("Next time I'm flying Delta.", "en", "leave-threat", "Next time I'm flying Delta"),
        ("Should have flown Southwest.", "en", "leave-threat", "Should have flown Southwest"),
        ("@united you are dead to me", "en", "leave-threat", "dead to me"),
        ("I'll avoid flying you from now on.", "en", "leave-threat", "ll avoid flying"),
        ("So long #ByeUnited", "en", "leave-threat", "ByeUnited"),
        ("That will be my last flight with you.", "en", "leave-threat", "will be my last flight"),
        ("The whole internet will hear about this.", "en", "public-threat", "whole internet will"),
        ("Uploading the video of your agent now.", "en", "public-threat", "Uploading the video"),
        (
            "Everyone needs to see how you treat us.",
            "en",
            "public-threat",
            "Everyone needs to see how",
        ),
        (
            "That breaks federal rules; I'll report it.",
            "en",
            "legal-threat",
            "breaks federal rules",
        ),
        (
            "Ya he contratado con otra compañía.",
            "es",
            "leave-threat",
            "contratado con otra compañía",
        ),
        ("Perdéis un cliente, así de claro.", "es", "leave-threat", "Perdéis un cliente"),
        ("No contéis más conmigo.", "es", "leave-threat", "No contéis más conmigo"),
        ("Ni un euro más os doy.", "es", "leave-threat", "Ni un euro más"),
        ("Daré parte a la policía.", "es", "legal-threat", "Daré parte a"),
        ("Lo pondré en conocimiento de las autoridades.", "es", "legal-threat", "conocimiento de"),
        ("Iré a la oficina del consumidor.", "es", "legal-threat", "oficina del consumidor"),
        ("Lo sabrá todo Twitter mañana.", "es", "public-threat", "sabrá todo Twitter"),
        ("You just lost a loyal flyer.", "en", "leave-threat", "lost a loyal flyer"),
        ("I'm done with this airline.", "en", "leave-threat", "done with this airline"),
        ("I'd rather walk than sit on that tarmac again.", "en", "leave-threat", "rather walk"),
        ("Will think twice before flying with you.", "en", "leave-threat", "think twice"),
        ("Expect to hear from my attorney.", "en", "legal-threat", "hear from my attorney"),
        ("Fix it or I'll make sure everyone knows.", "en", "public-threat", "make sure everyone"),
        (
            "What about the passenger bill of rights?",
            "en",
            "legal-threat",
            "passenger bill of rights",
        ),
        ("First time with you, won't do it again.", "en", "leave-threat", "won't do it again"),
        (
            "Do you really think we'll be flying with you again?",
            "en",
            "leave-threat",
            "think we'll be flying",
        ),
        ("You'll never see my money again.", "en", "leave-threat", "You'll never see my"),
        ("Awful crew, nor will I book here again.", "en", "leave-threat", "nor will I"),
        ("Stuck on the tarmac #WillNeverFlyYouAgain", "en", "leave-threat", "WillNeverFly"),
        ("I will write it up and post it here.", "en", "public-threat", "I will write"),
        ("We called the police about the missing bag.", "en", "legal-threat", "We called the"),
        ("I'm turning this over to the police.", "en", "legal-threat", "turning this over"),
        ("Ni voy más ni lo recomiendo.", "es", "leave-threat", "Ni voy más"),
        ("Time to stop flying United.", "en", "leave-threat", "stop flying United"),
        ("Southwest gets my business now.", "en", "leave-threat", "gets my business"),
        ("Back to Delta for me.", "en", "leave-threat", "Back to Delta for me"),
        ("Bye bye United.", "en", "leave-threat", "Bye bye United"),
        ("Refusing my wheelchair violates the ADA.", "en", "legal-threat", "violates the ADA"),
        ("I am seeking legal counsel.", "en", "legal-threat", "seeking legal"),
        ("Not happy, not at all, nor will I fly you again.", "en", "leave-threat", "nor will I"),
        ("Missed my connection #FlyDeltaNextTime", "en", "leave-threat", "FlyDeltaNextTime"),
        ("Just cancel it so I can go Delta.", "en", "leave-threat", "so I can go Delta"),
        ("Three delays this month, done with AA.", "en", "leave-threat", "done with AA"),
        ("Improve the service or lose customers.", "en", "leave-threat", "lose customers"),
        ("I suggest others do the same.", "en", "public-threat", "suggest others do the same"),
        ("No way I'm flying with you again.", "en", "leave-threat", "No way I'm flying"),
        ("Will be flying Southwest next time.", "en", "leave-threat", "flying Southwest next"),
        ("First and hopefully last flight with you.", "en", "leave-threat", "First and hopefully"),
        ("Switching all my travel to Delta.", "en", "leave-threat", "Switching all my travel"),
        ("This is why I fly JetBlue.", "en", "leave-threat", "This is why I fly"),
        ("You will not get another dime from me.", "en", "leave-threat", "not get another dime"),
        ("I'd rather pay more than sit through this.", "en", "leave-threat", "rather pay more"),
        ("You won't see me on your planes again.", "en", "leave-threat", "won't see me"),
        ("No more United for me.", "en", "leave-threat", "No more United"),
        ("Gold member for ten years, not anymore.", "en", "leave-threat", "member for ten years"),
        ("Everyone RT this please.", "en", "public-threat", "Everyone RT"),
        ("Me paso a Movistar.", "es", "leave-threat", "Me paso a Movistar"),
        ("Voy a cancelar el contrato.", "es", "leave-threat", "cancelar el contrato"),
        ("No pienso seguir con vosotros.", "es", "leave-threat", "No pienso seguir con"),
        ("Ni de coña vuelvo.", "es", "leave-threat", "Ni de coña vuelvo"),
        ("Me llevo mi dinero a otro banco.", "es", "leave-threat", "Me llevo mi dinero"),
        ("Este es el último pedido que os hago.", "es", "leave-threat", "último pedido que os"),
        ("No volveréis a verme por aquí.", "es", "leave-threat", "No volveréis a verme"),
        ("Esto lo va a saber todo el mundo.", "es", "public-threat", "va a saber todo"),
        ("Mandaré esto a la televisión.", "es", "public-threat", "Mandaré esto a la"),
        ("Pienso reclamar por todas las vías.", "es", "legal-threat", "por todas las vías"),
        ("Devolveré el cargo con mi banco.", "es", "legal-threat", "Devolveré el cargo"),
        ("Why would I ever fly with you again?", "en", "leave-threat", "Why would I ever fly"),
        ("Give me one good reason to fly you again.", "en", "leave-threat", "Give me one good"),
        ("Will I fly you again? Nope.", "en", "leave-threat", "fly you again? Nope"),
        ("You've made me a Delta flyer.", "en", "leave-threat", "made me a Delta flyer"),
        ("JetBlue here I come.", "en", "leave-threat", "JetBlue here I come"),
        ("We booked Delta instead.", "en", "leave-threat", "We booked Delta instead"),
        ("Reconsidering my loyalty after this.", "en", "leave-threat", "Reconsidering my loyalty"),
        ("This was the last straw.", "en", "leave-threat", "last straw"),
        ("Goodbye MileagePlus.", "en", "leave-threat", "Goodbye MileagePlus"),
        ("Please delete my account.", "en", "leave-threat", "delete my account"),
        ("People need to know about this.", "en", "public-threat", "People need to know"),
        ("I hope the world sees this.", "en", "public-threat", "hope the world sees"),
        ("Writing a letter to the editor.", "en", "public-threat", "Writing a letter"),
        ("The FAA will hear about this.", "en", "legal-threat", "FAA will hear"),
        ("I'm owed compensation under EU rules.", "en", "legal-threat", "under EU rules"),
        (
            "@united @[name] @[name] @[name] look at this queue",
            "en",
            "public-threat",
            "name] @[name",
        ),
        ("Still no word from the DOT on my complaint.", "en", "legal-threat", "no word from the"),
        ("I emailed the FAA about the tarmac delay.", "en", "legal-threat", "emailed the FAA"),
        ("I will never trust your airline again.", "en", "leave-threat", "I will never trust"),
        ("We'll never hand you our dog again.", "en", "leave-threat", "ll never hand"),
        ("Trataré de que nadie de mi barrio vaya.", "es", "public-threat", "Trataré de que"),
    ],
)
def test_a_threat_phrased_in_other_words_is_read(
    text: str, language: str, group: str, quoted: str, rules: ReadingRules
) -> None:
    _, signals = intensity_of(text, rules, language)
    found = [s.detail for s in signals if s.name == group]
    assert any(detail.startswith(quoted) for detail in found), found
    assert all(detail in text for detail in found)  # the customer's own words


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Íbamos locos de contentos, pero el hotel estaba cerrado.", "es"),
        ("Tengo fotos del ticket por si las necesitan.", "es"),
        ("I had to go home and use my own charger instead.", "en"),
        ("My gmail address is on the booking, thanks.", "en"),
        ("Next time please take another look at my bag.", "en"),
        ("I should have taken another photo of the damage.", "en"),
        ("This is my last flight of the trip, please fix the seat.", "en"),
        ("I'll avoid the front desk next time.", "en"),
        ("The whole world was at the gate today, thanks for helping.", "en"),
        ("Everyone should see the gate agent Maria, she was great.", "en"),
        ("Is it against the rules to bring a drink onboard?", "en"),
        ("The video screens were broken on my flight.", "en"),
        ("Perdí el vuelo y un cliente mío me esperaba.", "es"),
        ("El camarero perdió a una clienta en la cola.", "es"),
        ("Me he cambiado de habitación a otra más grande.", "es"),
        ("Voy a dejar mi opinión aquí para ayudar.", "es"),
        ("Como consumidor espero una respuesta.", "es"),
        ("Mis amigos se enteraron por Facebook de la oferta.", "es"),
        ("Can I take my miles to upgrade?", "en"),
        ("Did you hear from the bank about my refund?", "en"),
        ("Bye United, see you tomorrow for my flight back", "en"),
        ("I have to think twice before booking cheap fares, any tips?", "en"),
        ("I'd rather sit by the window if possible.", "en"),
        ("Please make sure the crew gets my note.", "en"),
        ("I hope the crew won't do that again.", "en"),
        ("You'll never get through on the phone, so I tweet.", "en"),
        ("They called the police on the man in 12C, well done crew.", "en"),
        ("I will post the receipts by mail tomorrow.", "en"),
        ("It never arrived on time and we had to stay overnight.", "en"),
        ("No voy a pagar más de lo que marca la carta.", "es"),
        ("When was the last time you cleaned this plane?", "en"),
        ("The crew stopped using the cart after an hour.", "en"),
        ("Back to the gate for me, the flight is delayed.", "en"),
        ("The last time I flew with you my bag was lost too.", "en"),
        ("You delayed or lost my bag, which one?", "en"),
        ("I had to sit elsewhere, is that your policy?", "en"),
        ("El último pedido que hice llegó roto.", "es"),
        ("Llevo tres semanas sin mi dinero a la espera de respuesta.", "es"),
        ("Mañana me voy a Correos a recoger el paquete.", "es"),
        ("Anularon el servicio sin avisar.", "es"),
        ("Trying to book again, not working.", "en"),
        ("Is there a reason I have to book again?", "en"),
        ("They rebooked me on another flight instead of a refund.", "en"),
        ("Please reconsider your policy on business class upgrades.", "en"),
        ("I want the agent to see this photo.", "en"),
        ("Can you send the paper receipt?", "en"),
        ("And I'm out $200 for the hotel.", "en"),
        ("@united @[name] thanks for the help", "en"),
        ("Still no word from the airline about my bag.", "en"),
        ("I hope this never happens again to anyone.", "en"),
        ("This will never happen again, they promised.", "en"),
    ],
)
def test_words_near_a_threat_pattern_are_no_threat(
    text: str, language: str, rules: ReadingRules
) -> None:
    _, signals = intensity_of(text, rules, language)
    assert not {s.name for s in signals} & {"leave-threat", "public-threat", "legal-threat"}
