"""The names the messages speak of, in Dutch, French and English: what can be missing
({thing} in NOT_FOUND), the input fields ({label} in the input checks) and the complaint
categories. Kept apart from the message catalogue (`amicable.infra.messages`), which fills
them in."""

from __future__ import annotations

from amicable.models.enums import ComplaintCategory, Language

NL, FR, EN = Language.NL, Language.FR, Language.EN

# The names of what can be missing ({thing} in NOT_FOUND), and of the input fields
# ({label} in the input checks). Keys are the API's names.
THINGS: dict[str, dict[Language, str]] = {
    "Complaint": {NL: "Klacht", FR: "Plainte", EN: "Complaint"},
    "Company": {NL: "Bedrijf", FR: "Entreprise", EN: "Company"},
    "Message": {NL: "Bericht", FR: "Message", EN: "Message"},
    "Escalation": {NL: "Doorverwijzing", FR: "Dossier transmis", EN: "Escalation"},
    "Lawyer": {NL: "Jurist", FR: "Juriste", EN: "Lawyer"},
    "ModerationItem": {NL: "Moderatie-item", FR: "Élément de modération", EN: "Moderation item"},
    "Notification": {NL: "Melding", FR: "Notification", EN: "Notification"},
    "User": {NL: "Account", FR: "Compte", EN: "Account"},
    "UserNotification": {NL: "Melding", FR: "Notification", EN: "Notification"},
    "ApiKey": {NL: "API-sleutel", FR: "Clé d'API", EN: "API key"},
    "Attachment": {NL: "Bijlage", FR: "Pièce jointe", EN: "Attachment"},
    "CompanyClaim": {NL: "Bedrijfsaanvraag", FR: "Revendication d'entreprise", EN: "Company claim"},
    "InboundMail": {NL: "Inkomende mail", FR: "Courrier entrant", EN: "Inbound mail"},
    "OutboundMail": {NL: "Uitgaande mail", FR: "Courrier sortant", EN: "Outbound mail"},
    "OutboxMail": {NL: "Uitgaande mail", FR: "Courrier sortant", EN: "Outbound mail"},
    "CorrectionRequest": {
        NL: "Correctieverzoek",
        FR: "Demande de correction",
        EN: "Correction request",
    },
}

FIELD_LABELS: dict[str, dict[Language, str]] = {
    "title": {NL: "Titel", FR: "Titre", EN: "Title"},
    "email": {NL: "E-mailadres", FR: "Adresse e-mail", EN: "Email address"},
    "companyEmail": {
        NL: "E-mailadres van het bedrijf",
        FR: "Adresse e-mail de l'entreprise",
        EN: "Company email address",
    },
    "addresses": {NL: "Adressen", FR: "Adresses", EN: "Addresses"},
    "description": {NL: "Beschrijving", FR: "Description", EN: "Description"},
    "desiredSolution": {NL: "Gewenste oplossing", FR: "Solution souhaitée", EN: "Desired solution"},
    "customerReference": {NL: "Klantnummer", FR: "Numéro de client", EN: "Customer reference"},
    "phone": {NL: "Telefoon", FR: "Téléphone", EN: "Phone"},
    "postalAddress": {NL: "Postadres", FR: "Adresse postale", EN: "Postal address"},
    "companyName": {NL: "Naam van het bedrijf", FR: "Nom de l'entreprise", EN: "Company name"},
    "comment": {NL: "Opmerking", FR: "Commentaire", EN: "Comment"},
    "body": {NL: "Bericht", FR: "Message", EN: "Body"},
    "name": {NL: "Naam", FR: "Nom", EN: "Name"},
    "newEmail": {NL: "Nieuw e-mailadres", FR: "Nouvelle adresse e-mail", EN: "New email address"},
    "fullName": {NL: "Volledige naam", FR: "Nom complet", EN: "Full name"},
    "partnerName": {NL: "Naam van de partner", FR: "Nom du partenaire", EN: "Partner name"},
    "contactPerson": {NL: "Contactpersoon", FR: "Personne de contact", EN: "Contact person"},
    "contact": {NL: "Contactgegevens", FR: "Coordonnées", EN: "Contact"},
    "reason": {NL: "Reden", FR: "Motif", EN: "Reason"},
    "requestText": {NL: "Vraag", FR: "Demande", EN: "Request text"},
    "redaction.title": {NL: "Titel", FR: "Titre", EN: "Redaction title"},
    "redaction.description": {NL: "Beschrijving", FR: "Description", EN: "Redaction description"},
    "redaction.desiredSolution": {
        NL: "Gewenste oplossing",
        FR: "Solution souhaitée",
        EN: "Redaction desired solution",
    },
    "redaction.body": {NL: "Bericht", FR: "Message", EN: "Redaction body"},
}

CATEGORY_LABELS: dict[ComplaintCategory, dict[Language, str]] = {
    ComplaintCategory.DELIVERY: {NL: "Levering", FR: "Livraison", EN: "Delivery"},
    ComplaintCategory.BILLING: {NL: "Facturatie", FR: "Facturation", EN: "Billing"},
    ComplaintCategory.PRODUCT_QUALITY: {
        NL: "Kwaliteit van het product",
        FR: "Qualité du produit",
        EN: "Product quality",
    },
    ComplaintCategory.SERVICE: {NL: "Klantendienst", FR: "Service client", EN: "Customer service"},
    ComplaintCategory.CONTRACT: {NL: "Contract", FR: "Contrat", EN: "Contract"},
    ComplaintCategory.REFUND: {NL: "Terugbetaling", FR: "Remboursement", EN: "Refund"},
    ComplaintCategory.WARRANTY: {NL: "Garantie", FR: "Garantie", EN: "Warranty"},
    ComplaintCategory.PRIVACY: {NL: "Privacy", FR: "Vie privée", EN: "Privacy"},
    ComplaintCategory.OTHER: {NL: "Andere", FR: "Autre", EN: "Other"},
}
