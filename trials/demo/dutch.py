"""The demo's Dutch texts, as a Dutch children's hospital writes for families: plain
language (B1), "u" for the parents, the words Dutch hospitals use (deelnemen, onderzoek,
open voor inclusie; see /work/shared/data/nl-terms.md).

ESMART and three real trials have their family texts in Dutch; what their registry record
says in its own words (who can enter, goal, background of the real trials) stays English,
and the fictional examples stay English, so the page shows how a text only available in
English looks. The loader writes these into the Dutch columns (trials/demo/__init__.py).
"""

# By the trial's short name: its family texts in Dutch.
TRIALS = {
    "ESMART": {
        "subtitle": "verschillende soorten tumoren",
        "summary": (
            "ESMART onderzoekt of een medicijn, of een combinatie van medicijnen, dat past bij "
            "een verandering in het DNA van de tumor veilig is en goed werkt. Het onderzoek is "
            "voor kinderen en jongeren bij wie de kanker is teruggekomen of niet goed genoeg "
            "reageert op de behandeling."
        ),
        "eligibility": (
            "<p>Kinderen en jongeren met kanker bij wie de ziekte is teruggekomen (recidief) of "
            "onvoldoende reageert op de behandeling (refractair).</p>"
        ),
        "goal": (
            "<p>Het doel van dit onderzoek is om te kijken hoe veilig een medicijn (of een "
            "combinatie van medicijnen) is en hoe goed het werkt. Het medicijn past bij een "
            "verandering in het DNA van de tumor van kinderen met kanker.</p>"
        ),
        "background": (
            "<p>Kanker ontstaat doordat er steeds meer veranderingen in het DNA komen. Deze "
            "veranderingen heten ook wel moleculaire afwijkingen. Door deze afwijkingen kunnen "
            "tumorcellen bijvoorbeeld ongeremd groeien en delen, of minder goed reageren op "
            "chemotherapie. Daarom worden er steeds meer medicijnen gemaakt die zich richten op "
            "een bepaalde afwijking in de tumor.</p>"
            "<p>Eerder is in het iTHER-onderzoek gekeken welke afwijkingen er in de tumor zitten "
            "(het zogenoemde ‘moleculaire profiel’) bij kinderen bij wie de ziekte is "
            "teruggekomen of niet goed reageert op behandeling. Als er zo’n afwijking is, kan een "
            "kind soms een medicijn krijgen dat zich precies op die afwijking richt. Dit heet "
            "ook wel ‘precisiegeneeskunde’ of ‘doelgerichte therapie’. Deze behandelingen zijn "
            "onderdeel van het onderzoek ESMART.</p>"
            "<p>Het ESMART-onderzoek bestaat uit verschillende behandelmogelijkheden (zogenoemde "
            "‘armen’). Voor elk kind proberen we een medicijn te kiezen dat past bij de "
            "afwijking in zijn of haar tumor.</p>"
        ),
        "arms_intro": (
            "<p>Deze ‘armen’ zijn gestart (op dit moment zijn alle armen gesloten voor "
            "inclusie):</p>"
        ),
        "status_note": (
            "Dit onderzoek is op dit moment gesloten voor inclusie: er kunnen nu geen nieuwe "
            "patiënten meedoen."
        ),
    },
    "PEDS-PLAN": {
        "subtitle": "neuroblastoom",
        "summary": (
            "Voor kinderen en jongeren bij wie net een hoog-risico neuroblastoom is vastgesteld. "
            "Het onderzoek kijkt of het mogelijk en veilig is om aan de eerste chemotherapie "
            "medicijnen toe te voegen die passen bij de eigenschappen van de tumor. Daarna "
            "worden de kinderen door loting verdeeld: de gewone immuuntherapie met of zonder het "
            "medicijn DFMO. Daarna krijgen alle kinderen DFMO, om te proberen te voorkomen dat "
            "het neuroblastoom terugkomt."
        ),
    },
    "Losartan + Sunitinib": {
        "subtitle": "osteosarcoom",
        "summary": (
            "Voor kinderen vanaf 10 jaar en volwassenen bij wie het osteosarcoom (botkanker) is "
            "teruggekomen of niet goed genoeg reageerde op de behandeling. Zij krijgen twee "
            "medicijnen samen: losartan en sunitinib. Eerst zoekt het onderzoek de hoogste dosis "
            "die veilig is. Dat gebeurt stap voor stap, in kleine groepen patiënten. Daarna "
            "krijgen meer patiënten die dosis, om een eerste idee te krijgen hoe goed het werkt."
        ),
    },
    "ITCC-101/APAL2020D": {
        "subtitle": "teruggekomen acute myeloïde leukemie",
        "summary": (
            "Voor kinderen, tieners en jongvolwassenen bij wie acute myeloïde leukemie (AML) "
            "voor de tweede keer is teruggekomen. Of voor de eerste keer, als zij geen "
            "antracyclines meer mogen krijgen. Iedereen krijgt chemotherapie (fludarabine, "
            "cytarabine en gemtuzumab ozogamicine). Door loting krijgt de helft van de "
            "patiënten daarnaast venetoclax. Dat medicijn remt BCL-2, een eiwit dat "
            "leukemiecellen helpt overleven. Het onderzoek kijkt of kinderen met venetoclax "
            "langer leven."
        ),
    },
}

# ESMART's arm names: the drugs keep their names; "and" and "single agent" in Dutch.
ARM_NAME_WORDS = [(" and ", " en "), ("single agent", "als enig middel"), ("ARM ", "Arm ")]

# By slug: the cancer types' Dutch names, everyday names and descriptions.
CANCER_TYPES = {
    "solid-tumors": (
        "Solide tumoren",
        "kanker die als een bult groeit",
        "Kanker die als een bult (een tumor) ergens in het lichaam groeit, bijvoorbeeld in "
        "een bot, een spier, een nier of in zenuwweefsel. Hersen- en ruggenmergtumoren "
        "staan apart.",
    ),
    "neuroblastoma": (
        "Neuroblastoom",
        "",
        "Een tumor die ontstaat uit onrijpe zenuwcellen, meestal in een bijnier (boven een "
        "nier) of langs de wervelkolom. Het komt vooral voor bij baby’s en jonge kinderen.",
    ),
    "osteosarcoma": (
        "Osteosarcoom",
        "botkanker",
        "Kanker van het bot, meestal bij de knie of de schouder. Het komt vooral voor bij "
        "tieners, als de botten snel groeien.",
    ),
    "wilms-tumor": (
        "Wilmstumor",
        "nierkanker",
        "De meest voorkomende vorm van nierkanker bij kinderen. Meestal bij kinderen jonger "
        "dan 5 jaar.",
    ),
    "hematologic-malignancies": (
        "Hematologische maligniteiten",
        "bloedkanker: leukemie en lymfoom",
        "Kanker van het bloed, het beenmerg of de lymfeklieren: leukemie en lymfoom.",
    ),
    "acute-lymphoblastic-leukemia": (
        "Acute lymfatische leukemie (ALL)",
        "leukemie",
        "De meest voorkomende vorm van kanker bij kinderen. Het beenmerg maakt te veel "
        "onrijpe witte bloedcellen.",
    ),
    "acute-myeloid-leukemia": (
        "Acute myeloïde leukemie (AML)",
        "leukemie",
        "Een vorm van leukemie waarbij het beenmerg te veel onrijpe bloedcellen van een "
        "ander soort maakt dan bij ALL.",
    ),
    "brain-and-spinal-cord-tumors": (
        "Hersen- en ruggenmergtumoren",
        "hersentumor",
        "Tumoren in de hersenen of in het ruggenmerg. Samen de grootste groep solide "
        "tumoren bij kinderen.",
    ),
    "medulloblastoma": (
        "Medulloblastoom",
        "hersentumor in de kleine hersenen",
        "Een snelgroeiende hersentumor in de kleine hersenen, achter in het hoofd.",
    ),
}

# By key: the glossary's words in Dutch, where staff have not written them yet.
GLOSSARY = {
    "phase": (
        "Fase",
        "Een stap in het onderzoek naar een nieuwe behandeling. In fase 1 kijken "
        "onderzoekers vooral of een medicijn veilig is en welke dosis past. In fase 2 kijken "
        "ze hoe goed het werkt. In fase 3 vergelijken ze het met de gewone behandeling.",
    ),
    "study_arm": (
        "Studiearm (behandelarm)",
        "Een onderzoek kan bestaan uit verschillende groepen die elk een andere behandeling "
        "krijgen. Zo’n groep heet een arm.",
    ),
    "inclusion": (
        "Inclusie",
        "Het moment dat een patiënt mee gaat doen aan een onderzoek. ‘Open voor inclusie’ "
        "betekent dat nieuwe patiënten kunnen meedoen.",
    ),
    "relapsed_refractory": (
        "Teruggekomen of refractaire ziekte",
        "Teruggekomen (recidief): de kanker is na de behandeling teruggekomen. Refractair: "
        "de kanker reageert onvoldoende op de behandeling.",
    ),
    "principal_investigator": (
        "Hoofdonderzoeker",
        "De arts die in ons centrum verantwoordelijk is voor het onderzoek.",
    ),
    "sponsor": (
        "Sponsor (opdrachtgever)",
        "De organisatie die het onderzoek opzet en er verantwoordelijk voor is. Dat kan een "
        "ziekenhuis, een onderzoeksgroep of een bedrijf zijn.",
    ),
    "registry_number": (
        "Registratienummer",
        "Het nummer waaronder het onderzoek in een openbaar register staat. Met dit nummer "
        "kunt u het onderzoek ook zelf opzoeken.",
    ),
    "randomised": (
        "Gerandomiseerd",
        "Door loting verdeeld: de computer bepaalt welke behandeling een patiënt krijgt. Zo "
        "kunnen onderzoekers de behandelingen eerlijk vergelijken.",
    ),
    "informed_consent": (
        "Toestemming na uitleg (informed consent)",
        "Voordat uw kind meedoet, krijgt u uitleg over het onderzoek, mondeling en op papier. "
        "Daarna beslist u of u toestemming geeft. U mag altijd nee zeggen of later stoppen.",
    ),
}

CENTRE = {
    "opening_hours": "Maandag tot en met vrijdag, 9.00 tot 17.00 uur (voorbeeldgegevens)",
    "how_to_take_part": (
        "<p>Bespreek het eerst met de arts van uw kind. Die kent de ziekte van uw kind en kan "
        "zeggen of een onderzoek zou kunnen passen.</p>"
        "<ul><li>Uw arts kan uw kind naar ons verwijzen, of aan het trialbureau vragen of een "
        "onderzoek open is voor uw kind. Een second opinion kan ook.</li>"
        "<li>Past een onderzoek misschien? Dan legt het onderzoeksteam het uit in een gesprek "
        "en op papier. U beslist in uw eigen tijd. U mag altijd nee zeggen, of later stoppen, "
        "zonder te zeggen waarom.</li></ul>"
    ),
    "international_patients": (
        "Woont u buiten Nederland? De arts van uw kind kan contact opnemen met het trialbureau "
        "over een verwijzing."
    ),
}
