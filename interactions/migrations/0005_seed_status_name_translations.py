"""Name the seeded statuses in Russian, French, Azerbaijani and Hindi.

Fills only languages a status has no name in yet, and only while its English name is still the
seeded one (an admin's renaming wins). Reversible: removes exactly the names it added.
"""

# ruff: noqa: RUF001 - the names are Cyrillic, Azerbaijani and Devanagari on purpose

from django.db import migrations

# code -> {language: name}; the English name is the row's own `name`.
NAMES = {
    "taken_into_work": {
        "ru": "Взято в работу",
        "fr": "Pris en charge",
        "az": "İşə götürülüb",
        "hi": "काम में लिया गया",
    },
    "completed": {"ru": "Завершено", "fr": "Terminé", "az": "Tamamlandı", "hi": "पूरा हुआ"},
    "call_back_later": {
        "ru": "Перезвонить позже",
        "fr": "Rappeler plus tard",
        "az": "Sonra zəng etmək",
        "hi": "बाद में कॉल करें",
    },
    "missed": {"ru": "Пропущен", "fr": "Manqué", "az": "Buraxılıb", "hi": "छूटा हुआ"},
    "no_answer": {
        "ru": "Нет ответа",
        "fr": "Pas de réponse",
        "az": "Cavab yoxdur",
        "hi": "कोई जवाब नहीं",
    },
    "wrong_number": {
        "ru": "Ошибочный номер",
        "fr": "Mauvais numéro",
        "az": "Səhv nömrə",
        "hi": "गलत नंबर",
    },
    "planned": {"ru": "Запланировано", "fr": "Planifié", "az": "Planlaşdırılıb", "hi": "नियोजित"},
    "held": {"ru": "Состоялась", "fr": "Tenue", "az": "Keçirildi", "hi": "संपन्न हुई"},
    "not_held": {
        "ru": "Не состоялась",
        "fr": "Non tenue",
        "az": "Keçirilmədi",
        "hi": "संपन्न नहीं हुई",
    },
    "cancelled": {"ru": "Отменено", "fr": "Annulé", "az": "Ləğv edildi", "hi": "रद्द"},
    "received": {"ru": "Получено", "fr": "Reçu", "az": "Alındı", "hi": "प्राप्त"},
    "sent": {"ru": "Отправлено", "fr": "Envoyé", "az": "Göndərildi", "hi": "भेजा गया"},
    "recorded": {"ru": "Записано", "fr": "Enregistré", "az": "Qeydə alındı", "hi": "दर्ज"},
}
# The English names 0002_seed_statuses gave; a status renamed since keeps its own names.
SEEDED_NAMES = {
    "taken_into_work": "Taken into work",
    "completed": "Completed",
    "call_back_later": "Call back later",
    "missed": "Missed",
    "no_answer": "No answer",
    "wrong_number": "Wrong number",
    "planned": "Planned",
    "held": "Held",
    "not_held": "Not held",
    "cancelled": "Cancelled",
    "received": "Received",
    "sent": "Sent",
    "recorded": "Recorded",
}


def add_names(apps, schema_editor):
    InteractionStatus = apps.get_model("interactions", "InteractionStatus")
    for status in InteractionStatus.objects.filter(code__in=NAMES):
        if status.name != SEEDED_NAMES[status.code]:
            continue
        translations = dict(status.name_translations or {})
        for language, name in NAMES[status.code].items():
            translations.setdefault(language, name)
        if translations != status.name_translations:
            status.name_translations = translations
            status.save(update_fields=["name_translations"])


def remove_names(apps, schema_editor):
    InteractionStatus = apps.get_model("interactions", "InteractionStatus")
    for status in InteractionStatus.objects.filter(code__in=NAMES):
        translations = {
            language: name
            for language, name in (status.name_translations or {}).items()
            if NAMES[status.code].get(language) != name
        }
        if translations != status.name_translations:
            status.name_translations = translations
            status.save(update_fields=["name_translations"])


class Migration(migrations.Migration):
    dependencies = [("interactions", "0004_status_name_translations")]

    operations = [migrations.RunPython(add_names, remove_names)]
