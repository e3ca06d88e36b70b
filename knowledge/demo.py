"""A believable knowledge base: policies, how-tos and call scripts, some in Spanish and French."""

from __future__ import annotations

from typing import Any, TextIO

from django.db import transaction

from agents.models import User
from knowledge.models import Article
from knowledge.services.articles import article_create, article_publish, article_submit
from tickets.models import Category

# title, topic, tags, summary, body
ARTICLES: list[tuple[str, str, list[str], str, str]] = [
    (
        "Refund policy",
        "billing",
        ["refund", "policy"],
        "When and how much we refund, and who must approve it.",
        "Customers can get a **full refund** within 30 days of delivery when the product is damaged, late by more "
        "than 24 hours, or not as ordered.\n\n- Agents may refund up to $50 on their own.\n- Above that, ask a "
        "supervisor through *Ask for approval* on the ticket.\n- Never promise a refund before it is approved.",
    ),
    (
        "Billing disputes and double charges",
        "billing",
        ["billing", "dispute", "charge"],
        "How to handle a customer who says they were charged twice.",
        "1. Check the order history for two captured payments.\n2. A pending authorization disappears within "
        "5 business days: explain this calmly.\n3. If two captures exist, open a ticket in *Billing and refunds* "
        "and ask for a refund approval for the duplicate amount.",
    ),
    (
        "Password reset for the online shop",
        "accounts",
        ["password", "login", "account"],
        "Walk the customer through resetting the shop password.",
        "Ask the customer to open the login page and choose **Forgot password**. The email arrives within "
        "5 minutes; ask them to check the spam folder. If it never arrives, verify the email on file and "
        "trigger a reset from the admin console.",
    ),
    (
        "Password reset email never arrives",
        "accounts",
        ["password", "email"],
        "What to check when the reset email does not come.",
        "Confirm the address on file letter by letter. Corporate mail filters often block our sender: ask the "
        "customer to allow switchboard@acme.example. Escalate to tier 2 after two failed attempts.",
    ),
    (
        "Late deliveries",
        "orders",
        ["delivery", "late"],
        "What to offer when an order arrives late.",
        "Apologise, check the courier tracking, and offer a goodwill credit of up to $10 for a delay over "
        "2 hours. Over 24 hours, the refund policy applies.",
    ),
    (
        "Changing a delivery address",
        "orders",
        ["delivery", "address"],
        "Address changes for standing and one-off orders.",
        "Standing orders can be changed until 6 pm the day before delivery. Verify the customer's identity "
        "with the postcode and last order number before changing anything.",
    ),
    (
        "Allergen information",
        "products",
        ["allergens", "gluten"],
        "Where allergen information comes from and what we may say.",
        "Read allergen information only from the product sheet. Never guess. If the label and the sheet "
        "disagree, open a *Complaints* ticket with priority high.",
    ),
    (
        "Catering orders",
        "orders",
        ["catering", "events"],
        "Minimum notice, deposits and cancellations for catering.",
        "Catering needs 72 hours' notice and a 20% deposit. Cancellations within 48 hours forfeit the deposit "
        "unless a manager approves an exception.",
    ),
    (
        "Wholesale accounts",
        "accounts",
        ["wholesale", "b2b"],
        "Terms for cafes, hotels and grocers.",
        "Wholesale customers have net-30 invoices and a dedicated account manager. Route their tickets to "
        "the preferred agent when one is set.",
    ),
    (
        "Handling dead air",
        "soft skills",
        ["call handling", "silence"],
        "Keep the customer with you while you look something up.",
        "Say what you are doing: *I'm checking your order history now, this takes about thirty seconds.* "
        "Never leave more than 20 seconds of silence; use hold with permission for longer waits.",
    ),
    (
        "De-escalating an angry caller",
        "soft skills",
        ["angry", "complaint", "escalation"],
        "Listen, acknowledge, act.",
        "Let the customer finish. Acknowledge the feeling without blame (*I understand how frustrating a late "
        "cake is on a birthday*). State what you will do next and by when. If abuse continues after one "
        "warning, offer a supervisor callback.",
    ),
    (
        "Vulnerable customers",
        "compliance",
        ["vulnerable", "care"],
        "Recognising and supporting customers in vulnerable circumstances.",
        "Signs include confusion, distress or mention of illness or bereavement. Slow down, confirm "
        "understanding, and add a *Vulnerable customer* flag note so colleagues see it.",
    ),
    (
        "Card payments over the phone",
        "compliance",
        ["payment", "card", "pci"],
        "We never write card numbers anywhere.",
        "Transfer the caller to the secure payment line. Never type a card number or security code into "
        "notes, tickets or chat: the system masks them, but they must not be typed at all.",
    ),
    (
        "Data protection requests",
        "compliance",
        ["gdpr", "privacy", "erasure"],
        "Access and erasure requests from customers.",
        "Log the request on the customer and tell the customer we answer within one month. Admins run the "
        "export or erasure; agents never email personal data.",
    ),
    (
        "Do-not-call list",
        "compliance",
        ["dnc", "outbound"],
        "Customers who asked not to be called.",
        "The system refuses outbound calls to customers on the do-not-call list. Reply by email instead.",
    ),
    (
        "Opening hours and holidays",
        "general",
        ["hours", "holiday"],
        "When the shops and the call center are open.",
        "Shops open 7 am to 7 pm, Monday to Saturday. The call center is open 8 am to 8 pm every day except "
        "25 December and 1 January.",
    ),
    (
        "Gift cards",
        "products",
        ["gift card", "voucher"],
        "Balances, expiry and lost cards.",
        "Gift cards are valid for 24 months. A lost card can be replaced with proof of purchase.",
    ),
    (
        "Subscription pauses",
        "billing",
        ["subscription", "pause"],
        "Pausing the weekly bread subscription.",
        "Customers may pause up to 8 weeks per year. The pause starts with the next billing cycle.",
    ),
    (
        "Damaged goods",
        "orders",
        ["damaged", "photos", "refund"],
        "Evidence to ask for and what to offer.",
        "Ask for a photo by email, then offer a replacement or a refund under the refund policy.",
    ),
    (
        "Network outage status",
        "network",
        ["outage", "status"],
        "How to check and explain a Northwind network outage.",
        "Check the status page, give the customer the incident number and the next update time. Do not "
        "promise a restoration time.",
    ),
]
SCRIPTS: list[tuple[str, str, list[dict[str, str]]]] = [
    (
        "Inbound call: greeting and verification",
        "Orders and delivery",
        [
            {"kind": "say", "text": "Thank you for calling Acme Bakery, my name is ... How can I help?"},
            {"kind": "check", "text": "Confirm name, postcode and last order number."},
            {"kind": "branch", "text": "If the customer cannot verify: offer to help with general questions only."},
            {"kind": "say", "text": "Summarise what you will do and by when before ending the call."},
        ],
    ),
    (
        "Refund request",
        "Billing and refunds",
        [
            {"kind": "check", "text": "Verify the order and the delivery date."},
            {"kind": "check", "text": "Check previous refunds in the last 90 days on the customer page."},
            {"kind": "branch", "text": "If the amount is above your limit: ask for approval, do not promise."},
            {"kind": "say", "text": "Tell the customer when they will hear back."},
        ],
    ),
    (
        "Complaint call",
        "Complaints",
        [
            {"kind": "say", "text": "Let the customer explain without interrupting."},
            {"kind": "say", "text": "Acknowledge: I understand why this is upsetting."},
            {"kind": "branch", "text": "If the customer is upset or abusive: follow De-escalating an angry caller."},
            {"kind": "check", "text": "Open or update a Complaints ticket with the facts."},
        ],
    ),
]
TRANSLATIONS: list[tuple[str, str, str, str, str]] = [
    (
        "Refund policy",
        "es",
        "Política de reembolsos",
        "Cuándo y cuánto reembolsamos.",
        "Los clientes pueden obtener un **reembolso completo** dentro de los 30 días si el producto llegó dañado "
        "o con retraso. Los agentes pueden reembolsar hasta 50 $; por encima, pidan aprobación.",
    ),
    (
        "Refund policy",
        "fr",
        "Politique de remboursement",
        "Quand et combien nous remboursons.",
        "Les clients peuvent obtenir un **remboursement complet** sous 30 jours si le produit est abîmé ou en "
        "retard. Au-delà de 50 $, demandez une approbation.",
    ),
    (
        "Password reset for the online shop",
        "es",
        "Restablecer la contraseña de la tienda",
        "Cómo restablecer la contraseña.",
        "Pida al cliente que abra la página de inicio de sesión y elija **Olvidé mi contraseña**.",
    ),
    (
        "Late deliveries",
        "fr",
        "Livraisons en retard",
        "Que proposer en cas de retard.",
        "Excusez-vous, vérifiez le suivi du transporteur et proposez un avoir de 10 $ au-delà de 2 heures.",
    ),
]


def seed(*, scale: int, stdout: TextIO, tickets: int = 0) -> None:
    author = User.objects.filter(username="knowledge_manager").first()
    reviewer = User.objects.filter(username="knowledge_manager_b").first()
    if author is None or reviewer is None or Article.objects.exists():
        return
    with transaction.atomic():
        originals: dict[str, Article] = {}
        for title, topic, tags, summary, body in ARTICLES:
            originals[title] = _publish(
                author, reviewer, title=title, summary=summary, body=body, topic=topic, tags=tags
            )
        for title, category_name, steps in SCRIPTS:
            category = Category.objects.filter(name=category_name).first()
            _publish(
                author, reviewer, title=title, kind="script", steps=steps, topic="scripts", category=category,
                summary="Call script", body="Tick each step as you go.",
            )  # fmt: skip
        for original, language, title, summary, body in TRANSLATIONS:
            _publish(
                author, reviewer, title=title, summary=summary, body=body, language=language,
                translation_of=originals[original], topic=originals[original].topic,
            )  # fmt: skip
    total = len(ARTICLES) + len(SCRIPTS) + len(TRANSLATIONS)
    stdout.write(f"  knowledge: {total} published articles and scripts\n")


def _publish(author: User, reviewer: User, **fields: Any) -> Article:
    article = article_create(actor=author, **fields)
    article_submit(actor=author, article=article)
    article_publish(actor=reviewer, article=article)
    article.refresh_from_db()
    return article
