# Russian demo data (Cyrillic is intended) in word lists that read best as one string each.
# ruff: noqa: RUF001, SIM905
"""The demo's vocabulary: names, companies, phone numbers in mixed formats, subjects and the mix
of kinds and statuses. `seed_demo` (a few hundred clients) and `generate_data` (millions of
rows, crm_project/core/datagen) draw from the same lists, so the two look alike.
"""

from __future__ import annotations

import random
import unicodedata

from interactions.models import Interaction

LEAD_SOURCES = ["Website", "Yandex.Direct ad", "Exhibition", "Referral", "Cold call", "Instagram"]
HISTORY_DAYS = 425  # 14 months: this year's months can be compared with last year's

SURNAMES = (
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов "
    "Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев "
    "Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв "
    "Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв"
).split()
MALE_NAMES = (
    "Александр Сергей Дмитрий Андрей Алексей Максим Евгений Иван Михаил Николай Владимир "
    "Павел Олег Игорь Артём Роман Виктор Денис"
).split()
FEMALE_NAMES = (
    "Елена Ольга Наталья Татьяна Ирина Анна Марина Светлана Юлия Екатерина Мария Анастасия "
    "Ксения Дарья Виктория"
).split()
PATRONYMIC_ROOTS = "Александров Сергеев Петров Иванов Андреев Николаев Владимиров Дмитриев".split()
BRAND_ROOTS = (
    "Альфа Вектор Гранит Север Восток Техно Агро Энерго Мега Транс Инфо Нефте Лес Металл Сиб "
    "Урал Волга Балт Стандарт Прогресс Орион Меридиан Ника Стройинвест Полимер Дельта Зенит "
    "Арсенал Импульс Фаворит"
).split()
BRAND_SUFFIXES = (
    "Трейд Строй Сервис Логистик Групп Пром Снаб Холдинг Инвест Систем Маркет Тех Опт Проект"
).split()
LEGAL_FORMS = ["ООО", "ООО", "ООО", "АО", "ПАО"]
CITIES = {
    "RU": ["Москва", "Казань", "Тверь", "Самара", "Екатеринбург", "Новосибирск"],
    "FR": ["Paris", "Lyon", "Marseille", "Lille"],
    "AZ": ["Baku", "Ganja", "Sumgait"],
    "DE": ["Berlin", "Hamburg", "München", "Köln"],
    "KZ": ["Almaty", "Astana", "Karaganda"],
}
POSITIONS = [
    "Генеральный директор",
    "Коммерческий директор",
    "Менеджер по закупкам",
    "Главный бухгалтер",
    "Руководитель отдела снабжения",
    "Офис-менеджер",
    "Технический директор",
    "Начальник склада",
]
# country: (first words, second words, legal form) of company names
FOREIGN = {
    "FR": (["Dupont", "Lefèvre", "Moreau", "Girard"], ["Logistique", "Industries"], "SARL"),
    "AZ": (["Caspian", "Absheron", "Ganja", "Baku"], ["Trade", "Oil Service", "Logistics"], "LLC"),
    "DE": (["Müller", "Schmidt", "Becker", "Wagner"], ["Maschinenbau", "Logistik"], "GmbH"),
    "KZ": (["Steppe", "Altyn", "Almaty", "Astana"], ["Trans", "Agro", "Group"], "LLP"),
}
# country: (last names, first names) of contact persons
FOREIGN_PEOPLE = {
    "FR": (
        ["Dupont", "Martin", "Bernard", "Petit", "Durand"],
        ["Marie", "Julien", "Claire", "Louis"],
    ),
    "AZ": (["Aliyev", "Mammadov", "Huseynov", "Hasanov"], ["Rashad", "Elchin", "Orkhan", "Farid"]),
    "DE": (["Müller", "Schneider", "Fischer", "Weber"], ["Anna", "Jonas", "Lena", "Lukas"]),
    "KZ": (["Nurlanov", "Omarov", "Seitkali", "Akhmetov"], ["Aidar", "Daulet", "Aigerim", "Dana"]),
}
FOREIGN_POSITIONS = ["CEO", "Purchasing manager", "Directeur commercial", "Logistics manager"]
TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(),
        strict=True,
    )
)

SUBJECTS = {
    Interaction.Kind.INCOMING_CALL: ["Вопрос по счёту", "Запрос цены", "Уточнение сроков"],
    Interaction.Kind.OUTGOING_CALL: ["Обсуждение КП", "Напоминание об оплате", "Первый звонок"],
    Interaction.Kind.MEETING: [
        "Презентация продукции",
        "Переговоры по договору",
        "Встреча в офисе",
    ],
    Interaction.Kind.INCOMING_EMAIL: ["Запрос коммерческого предложения", "Реквизиты"],
    Interaction.Kind.OUTGOING_EMAIL: ["Коммерческое предложение", "Счёт на оплату", "Договор"],
    Interaction.Kind.NOTE: ["Заметка", "Договорённости", "Особые условия"],
}
RESULTS = [
    "Договорились о встрече",
    "Отправлено коммерческое предложение",
    "Клиент просит перезвонить в конце месяца",
    "Согласовали условия поставки",
    "Клиент выбрал другого поставщика",
    "Выставлен счёт",
    "Подписан договор",
]
# (kind, weight) of interactions with known clients
KIND_WEIGHTS = [
    (Interaction.Kind.OUTGOING_CALL, 35),
    (Interaction.Kind.INCOMING_CALL, 25),
    (Interaction.Kind.MEETING, 12),
    (Interaction.Kind.OUTGOING_EMAIL, 10),
    (Interaction.Kind.INCOMING_EMAIL, 8),
    (Interaction.Kind.NOTE, 10),
]
# status code -> weight, for interactions that took place
PAST_STATUSES = {
    Interaction.Kind.INCOMING_CALL: {
        "completed": 60,
        "taken_into_work": 12,
        "missed": 12,
        "call_back_later": 10,
        "wrong_number": 3,
    },
    Interaction.Kind.OUTGOING_CALL: {
        "completed": 55,
        "no_answer": 22,
        "call_back_later": 12,
        "wrong_number": 2,
    },
    Interaction.Kind.MEETING: {"held": 75, "not_held": 10, "cancelled": 15},
    Interaction.Kind.INCOMING_EMAIL: {"received": 30, "completed": 70},
    Interaction.Kind.OUTGOING_EMAIL: {"sent": 85, "completed": 15},
    Interaction.Kind.NOTE: {"recorded": 100},
}
NOT_TAKEN_PLACE = {"not_held", "cancelled"}  # meetings that only have their planned time
UNKNOWN_CALLER_STATUSES = {"taken_into_work": 40, "missed": 30, "wrong_number": 30}


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plan_targets(rng: random.Random) -> dict[str, int]:
    """A month's plan as the demo sets it (also generate_data's, crm_project/core/datagen)."""
    return {
        "contacts_target": rng.randrange(40, 81, 5),
        "meetings_target": rng.randint(8, 15),
        "deals_target": rng.randint(3, 8),
    }


def translit(text: str) -> str:
    letters = "".join(TRANSLIT.get(char, char) for char in text.lower())
    ascii_only = unicodedata.normalize("NFKD", letters).encode("ascii", "ignore").decode()
    return ascii_only.replace("-", "").replace(" ", "-")


def ru_number(rng: random.Random, mobile: bool) -> str:
    area = rng.choice(["916", "903", "926", "985", "977", "921"] if mobile else ["495", "499"])
    digits = f"{rng.randrange(10**7):07d}"
    a, b, c = digits[:3], digits[3:5], digits[5:]
    return rng.choice(
        [
            f"+7 {area} {a}-{b}-{c}",
            f"8 ({area}) {a}-{b}-{c}",
            f"8{area}{digits}",
            f"+7{area}{digits}",
            f"8-{area}-{a}-{b}-{c}",
            f"7 ({area}) {digits}",
        ]
    )


def foreign_number(rng: random.Random, country: str) -> str:
    def d(count: int) -> str:
        return f"{rng.randrange(10**count):0{count}d}"

    if country == "FR":
        return rng.choice([f"+33 1 {d(2)} {d(2)} {d(2)} {d(2)}", f"00 33 6 {d(2)} {d(2)} {d(2)}"])
    if country == "AZ":
        return f"+994 {rng.choice(['12', '50', '55', '70'])} {d(3)} {d(2)} {d(2)}"
    if country == "DE":
        return f"+49 30 {d(8)}"
    return f"+7 {rng.choice(['701', '727', '777'])} {d(3)} {d(4)}"


def company_name(rng: random.Random, country: str) -> tuple[str, str]:
    """A company's name and its web domain, as a client of that country would have them."""
    if country == "RU":
        root, suffix = rng.choice(BRAND_ROOTS), rng.choice(BRAND_SUFFIXES)
        brand = rng.choice([f"{root}{suffix.lower()}", f"{root}-{suffix}"])
        domain = f"{translit(brand)}.example.com"
        return f"{rng.choice(LEGAL_FORMS)} «{brand}»", domain
    first_parts, second_parts, legal_form = FOREIGN[country]
    brand = f"{rng.choice(first_parts)} {rng.choice(second_parts)}"
    domain = brand.lower().replace(" ", "-").replace("ü", "ue").replace("è", "e")
    return f"{brand} {legal_form}", f"{domain}.example.com"


def russian_name(rng: random.Random) -> tuple[str, str, str]:
    """Surname, first name and patronymic, of either gender."""
    surname, root = rng.choice(SURNAMES), rng.choice(PATRONYMIC_ROOTS)
    if rng.random() < 0.5:
        return surname, rng.choice(MALE_NAMES), f"{root}ич"
    return f"{surname}а", rng.choice(FEMALE_NAMES), f"{root}на"
