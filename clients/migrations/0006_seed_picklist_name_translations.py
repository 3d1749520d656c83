"""Name the seeded deal stages, and the usual lead sources, in Russian, French, Azerbaijani and
Hindi.

Fills only languages a row has no name in yet, and only while its English name is still the
seeded one (an admin's renaming wins). Lead sources are matched by their English name: the
demo's (`seed_demo`) and those an admin entered under the same name. Reversible: removes
exactly the names it added.
"""

# ruff: noqa: RUF001 - the names are Cyrillic, Azerbaijani and Devanagari on purpose

from django.db import migrations

# code -> (the English name 0003_seed_deal_stages gave, {language: name})
STAGES = {
    "new": ("New", {"ru": "Новая", "fr": "Nouvelle", "az": "Yeni", "hi": "नई"}),
    "presentation_sent": (
        "Presentation sent",
        {
            "ru": "Презентация отправлена",
            "fr": "Présentation envoyée",
            "az": "Təqdimat göndərildi",
            "hi": "प्रस्तुति भेजी गई",
        },
    ),
    "proposal_sent": (
        "Commercial proposal sent",
        {
            "ru": "Коммерческое предложение отправлено",
            "fr": "Proposition commerciale envoyée",
            "az": "Kommersiya təklifi göndərildi",
            "hi": "वाणिज्यिक प्रस्ताव भेजा गया",
        },
    ),
    "contract_sent": (
        "Contract sent",
        {
            "ru": "Договор отправлен",
            "fr": "Contrat envoyé",
            "az": "Müqavilə göndərildi",
            "hi": "अनुबंध भेजा गया",
        },
    ),
    "won": ("Won", {"ru": "Выиграна", "fr": "Gagnée", "az": "Qazanıldı", "hi": "जीती गई"}),
    "lost": ("Lost", {"ru": "Проиграна", "fr": "Perdue", "az": "Uduzuldu", "hi": "हारी गई"}),
}
# English name -> {language: name}
LEAD_SOURCES = {
    "Website": {"ru": "Сайт", "fr": "Site web", "az": "Veb-sayt", "hi": "वेबसाइट"},
    "Yandex.Direct ad": {
        "ru": "Реклама в Яндекс.Директе",
        "fr": "Annonce Yandex.Direct",
        "az": "Yandex.Direct reklamı",
        "hi": "Yandex.Direct विज्ञापन",
    },
    "Exhibition": {"ru": "Выставка", "fr": "Salon professionnel", "az": "Sərgi", "hi": "प्रदर्शनी"},
    "Referral": {"ru": "Рекомендация", "fr": "Recommandation", "az": "Tövsiyə", "hi": "सिफ़ारिश"},
    "Cold call": {
        "ru": "Холодный звонок",
        "fr": "Appel à froid",
        "az": "Soyuq zəng",
        "hi": "कोल्ड कॉल",
    },
}


def _fill(row, names):
    translations = dict(row.name_translations or {})
    for language, name in names.items():
        translations.setdefault(language, name)
    if translations != row.name_translations:
        row.name_translations = translations
        row.save(update_fields=["name_translations"])


def _unfill(row, names):
    translations = {
        language: name
        for language, name in (row.name_translations or {}).items()
        if names.get(language) != name
    }
    if translations != row.name_translations:
        row.name_translations = translations
        row.save(update_fields=["name_translations"])


def add_names(apps, schema_editor):
    DealStage = apps.get_model("clients", "DealStage")
    LeadSource = apps.get_model("clients", "LeadSource")
    for stage in DealStage.objects.filter(code__in=STAGES):
        english, names = STAGES[stage.code]
        if stage.name == english:
            _fill(stage, names)
    for source in LeadSource.objects.filter(name__in=LEAD_SOURCES):
        _fill(source, LEAD_SOURCES[source.name])


def remove_names(apps, schema_editor):
    DealStage = apps.get_model("clients", "DealStage")
    LeadSource = apps.get_model("clients", "LeadSource")
    for stage in DealStage.objects.filter(code__in=STAGES):
        _unfill(stage, STAGES[stage.code][1])
    for source in LeadSource.objects.filter(name__in=LEAD_SOURCES):
        _unfill(source, LEAD_SOURCES[source.name])


class Migration(migrations.Migration):
    dependencies = [("clients", "0005_picklist_name_translations")]

    operations = [migrations.RunPython(add_names, remove_names)]
