"""The catalogue's words for accounts, onboarding, attachments and the operators' tools.

Kept apart from `messages.py` only for size; keys are `Msg` values, and the completeness
test holds these entries to the same rules (every language, the same placeholders)."""

from __future__ import annotations

from amicable.models.enums import Language

NL, FR, EN = Language.NL, Language.FR, Language.EN

MORE: dict[str, dict[Language, str]] = {
    "name_has_contact_details": {
        NL: "Een naam mag geen e-mailadres of telefoonnummer bevatten.",
        FR: "Un nom ne peut contenir ni adresse e-mail ni numéro de téléphone.",
        EN: "A name may not contain an email address or a phone number.",
    },
    "too_many_files": {
        NL: "Hoogstens {maxCount} bestanden.",
        FR: "{maxCount} fichiers au maximum.",
        EN: "At most {maxCount} files.",
    },
    "file_too_large": {
        NL: "Een bestand mag hoogstens {maxBytes} bytes groot zijn.",
        FR: "Un fichier ne peut dépasser {maxBytes} octets.",
        EN: "A file may be at most {maxBytes} bytes.",
    },
    "file_type_not_allowed": {
        NL: "Dit soort bestand wordt niet aanvaard.",
        FR: "Ce type de fichier n'est pas accepté.",
        EN: "This kind of file is not accepted.",
    },
    "only_kept_file_public": {
        NL: "Alleen een bewaard bestand kan openbaar worden.",
        FR: "Seul un fichier conservé peut être rendu public.",
        EN: "Only a file that was kept can be made public.",
    },
    "current_password_wrong": {
        NL: "Het huidige wachtwoord is onjuist.",
        FR: "Le mot de passe actuel est incorrect.",
        EN: "The current password is incorrect.",
    },
    "password_wrong": {
        NL: "Het wachtwoord is onjuist.",
        FR: "Le mot de passe est incorrect.",
        EN: "The password is incorrect.",
    },
    "same_email": {
        NL: "Dit is al uw adres.",
        FR: "C'est déjà votre adresse.",
        EN: "This is already your address.",
    },
    "not_a_domain": {
        NL: "'{domain}' is geen domeinnaam.",
        FR: "« {domain} » n'est pas un nom de domaine.",
        EN: "'{domain}' is not a domain name.",
    },
    "public_mail_provider": {
        NL: "{domain} is een openbare e-maildienst.",
        FR: "{domain} est un service de messagerie public.",
        EN: "{domain} is a public mail provider.",
    },
    "too_many_domains": {
        NL: "Hoogstens {maxCount} domeinen.",
        FR: "{maxCount} domaines au maximum.",
        EN: "At most {maxCount} domains.",
    },
    "not_a_reply_link": {
        NL: "Dit is geen antwoordlink van deze klacht.",
        FR: "Ce n'est pas un lien de réponse de cette plainte.",
        EN: "This is not a reply link of this complaint.",
    },
    "invalid_token": {
        NL: "Deze link is ongeldig of verlopen; vraag een nieuwe aan.",
        FR: "Ce lien n'est pas valide ou a expiré ; demandez-en un nouveau.",
        EN: "This link is invalid or has expired; ask for a new one.",
    },
    "member_number_required": {
        NL: "Een lid heeft een lidnummer nodig.",
        FR: "Un membre a besoin d'un numéro de membre.",
        EN: "A member needs a member number.",
    },
    "member_until_required": {
        NL: "Een lidmaatschap heeft een einddatum nodig.",
        FR: "Une adhésion a besoin d'une date de fin.",
        EN: "A membership needs an expiry.",
    },
    "verify_email_first": {
        NL: "Bevestig eerst uw e-mailadres.",
        FR: "Confirmez d'abord votre adresse e-mail.",
        EN: "Verify your email address first.",
    },
    "email_not_at_company_domain": {
        NL: "Uw e-mailadres hoort niet bij een van de geregistreerde domeinen van dit bedrijf.",
        FR: "Votre adresse e-mail n'appartient à aucun des domaines enregistrés de "
        "cette entreprise.",
        EN: "Your email address is not at one of this company's registered domains.",
    },
    "claim_not_confirmed": {
        NL: "Alleen een aanvraag die de aanvrager bevestigde, kan beslist worden.",
        FR: "Seule une demande confirmée par son auteur peut être tranchée.",
        EN: "Only a claim its claimant confirmed can be decided.",
    },
    "claimant_cannot_be_agent": {
        NL: "Het account van de aanvrager kan geen medewerker meer worden.",
        FR: "Le compte du demandeur ne peut plus devenir agent.",
        EN: "The claimant's account can no longer be an agent.",
    },
    "only_failed_mail": {
        NL: "Alleen mislukte mail kan opnieuw verstuurd worden.",
        FR: "Seul un courrier en échec peut être renvoyé.",
        EN: "Only failed mail can be retried.",
    },
    "company_has_no_address": {
        NL: "Het bedrijf heeft geen werkend adres; verbeter eerst het adres.",
        FR: "L'entreprise n'a pas d'adresse qui fonctionne ; corrigez d'abord son adresse.",
        EN: "The company has no working address; correct its address first.",
    },
    "only_unprocessable_mail": {
        NL: "Alleen onverwerkbare mail kan opnieuw verwerkt worden.",
        FR: "Seul un courrier impossible à traiter peut être traité à nouveau.",
        EN: "Only unprocessable mail can be processed again.",
    },
    "email_already_verified": {
        NL: "Dit e-mailadres is al bevestigd.",
        FR: "Cette adresse e-mail est déjà confirmée.",
        EN: "This email address is already verified.",
    },
}
