"""Defaults the workshop starts with; chairs edit them afterwards.

The topics are the nine of the workshop's call for papers."""

TOPICS = [
    "Case studies of machine learning used in cyber security, such as detection of spam, "
    "sybils, or malicious URLs",
    "Whitepapers proposing or building on formal threat models and definitions of security",
    "Training time attacks (e.g., data poisoning)",
    "Adversarial examples at test time",
    "Model stealing (e.g., for reconnaissance of a system before mounting an attack)",
    "Theoretical foundations of adversarially robust learning",
    "Formal verification of machine learning systems",
    "Identifying bugs in machine learning systems, especially if they present security "
    "vulnerabilities",
    "Strategic analysis of present or future security / misuse risks and how to prioritize them",
]

VOCABULARIES = {
    "goal": [
        "Integrity (cause targeted or untargeted misbehaviour)",
        "Availability (degrade or deny service)",
        "Confidentiality / privacy (learn training data or inputs)",
        "Model theft (steal parameters or functionality)",
        "Evasion of a security control",
        "Misuse / abuse of a capable model",
    ],
    "knowledge": [
        "White-box (parameters and architecture)",
        "Gray-box (architecture or training data, not parameters)",
        "Black-box with query access",
        "No access (transfer attacks)",
    ],
    "phase": [
        "Training-time poisoning / backdoor",
        "Test-time evasion (adversarial examples)",
        "Model extraction",
        "Inference-time privacy (membership, inversion)",
        "Deployment / system (pipeline, supply chain, serving)",
    ],
    "domain": [
        "Spam",
        "Sybils / fake accounts",
        "Malicious URLs / phishing",
        "Network intrusion",
        "Malware / ransomware",
        "Finance",
        "Natural language",
        "Vision",
        "Speech / audio",
        "Autonomous systems",
        "Other",
    ],
    "contribution": [
        "Attack",
        "Defense",
        "Formal verification",
        "Theory",
        "Case study",
        "Threat-model whitepaper",
        "Bug finding",
        "Risk analysis",
    ],
}

WORKSHOP = {
    "name": "Machine Learning and Computer Security Workshop",
    "acronym": "MLSec",
}


MAIL_TEMPLATES = {
    "assignment": (
        "Please review #{number}: {title}",
        "Dear {reviewer},\n\nYou are assigned to review paper #{number}, \"{title}\", for {workshop}. "
        "Reviews are due {review_deadline}.\n\nYour review form: {link}\n\nThank you!\nThe program chairs\n",
    ),
    "reminder": (
        "Reminder: your review of #{number} is due {review_deadline}",
        "Dear {reviewer},\n\nYour review of paper #{number}, \"{title}\", is not submitted yet. Reviews for "
        "{workshop} are due {review_deadline}.\n\nYour review form: {link}\n\nThank you!\nThe program chairs\n",
    ),
    "response-open": (
        "Respond to the reviews of #{number}: {title}",
        "Dear authors,\n\nThe reviews of your paper #{number}, \"{title}\", are below. You may send the "
        "program committee one response, until {response_closes}:\n{link}\n\n{reviews}\n\nThe program "
        "chairs of {workshop}\n",
    ),
    "assignments": (
        "Please review {count} papers for {workshop}",
        "Dear {reviewer},\n\nYou are assigned to review these papers for {workshop}. Reviews are due "
        "{review_deadline}.\n\n{papers}\n\nYour reviews: {link}\n\nThank you!\nThe program chairs\n",
    ),
    "decision-changed": (
        "The decision on #{number} has changed: {outcome}",
        "Dear {authors},\n\nThe decision on your paper #{number}, \"{title}\", has changed: it was "
        "{old_outcome} and is now {outcome}. We are sorry for the confusion. The letter for the new decision "
        "follows.\n\nYour paper: {link}\n\n{letter}\n",
    ),
}


def seed_mail_templates(template_model) -> None:
    for key, (subject, body) in MAIL_TEMPLATES.items():
        template_model.objects.get_or_create(key=key, defaults={"subject": subject, "body": body})


def seed(workshop_model, topic_model, term_model):
    """Create the workshop, topics and vocabularies where missing. Takes the
    model classes so the data migration can pass its historical models."""
    workshop = workshop_model.objects.order_by("id").first()
    if workshop is None:
        workshop = workshop_model.objects.create(year=2027, **WORKSHOP)
    if not topic_model.objects.exists():
        topic_model.objects.bulk_create(
            topic_model(name=name, position=i) for i, name in enumerate(TOPICS)
        )
    if not term_model.objects.exists():
        term_model.objects.bulk_create(
            term_model(kind=kind, label=label, position=i)
            for kind, labels in VOCABULARIES.items()
            for i, label in enumerate(labels)
        )
    return workshop
