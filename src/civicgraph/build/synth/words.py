"""The vocabulary of synthetic data: how common each type and predicate is, and names.

`synth` draws from these; the type and predicate names are looked up in the ontology's
model there, so a name missing from the ontology is simply never drawn.
"""

from __future__ import annotations

TYPE_WEIGHTS = {
    "Person": 48.0, "Organization": 2.0, "GovernmentAgency": 6.0,
    "CivilSocietyOrganization": 8.0, "BusinessAssociation": 3.0, "MediaOrganization": 2.0,
    "CriminalOrganization": 1.5, "InternationalDonor": 1.0, "ResearchInstitution": 2.0,
    "ArmedGroup": 0.8, "Movement": 2.0, "Program": 2.5, "ProgramComponent": 1.0,
    "Reform": 1.2, "Legislation": 1.0, "Country": 0.03, "Region": 0.4, "State": 0.05,
    "Municipality": 4.0, "Community": 2.0, "Event": 1.0, "Crime": 2.0, "Protest": 1.0,
    "Intervention": 1.0, "Publication": 3.0, "Dataset": 0.6, "Concept": 0.3,
    "ResilienceFactor": 0.2, "IssueArea": 0.3, "SurveyCategory": 0.2, "Place": 0.1,
}  # fmt: skip
# How common each predicate is; predicates the ontology adds later get DEFAULT_WEIGHT.
RELATION_WEIGHTS = {
    "memberOf": 14.0, "holdsPosition": 12.0, "affiliatedWith": 10.0, "partnersWith": 6.0,
    "locatedIn": 6.0, "operatesIn": 6.0, "funds": 4.0, "supports": 5.0, "participatedIn": 6.0,
    "leads": 3.0, "founded": 2.0, "worksOn": 4.0, "relativeOf": 2.0, "authored": 2.0,
    "about": 3.0, "cites": 1.5, "organized": 1.5, "victimOf": 1.5, "demands": 1.5,
    "opposed": 1.0, "pressured": 1.0, "consulted": 1.0, "implements": 1.5, "proposed": 1.0,
}  # fmt: skip
DEFAULT_WEIGHT = 0.5
STATUS_WEIGHTS = {"reported": 80.0, "alleged": 10.0, "confirmed": 7.0, "disputed": 3.0}


def _pool(names: str) -> list[str]:
    return names.split("|")


FIRST = _pool(
    "Ana|José|María|Luis|Carmen|Jorge|Elena|Miguel|Rosa|Javier|Lucía|Carlos|Isabel|Pedro|"
    "Teresa|Raúl|Sofía|Andrés|Patricia|Fernando|Gabriela|Héctor|Adriana|Ricardo|Verónica|"
    "Sergio|Mónica|Alejandro|Laura|Ernesto|Beatriz|Óscar|Silvia|Arturo|Claudia|Manuel|"
    "Norma|Víctor|Alicia|Roberto|Leticia|Eduardo|Irma|Gustavo|Martha|Ramón|Yolanda|Emilio|"
    "Graciela|Tomás"
)
SURNAME = _pool(
    "García|Hernández|López|Martínez|González|Pérez|Rodríguez|Sánchez|Ramírez|Cruz|Flores|"
    "Gómez|Morales|Vázquez|Reyes|Jiménez|Torres|Díaz|Gutiérrez|Ruiz|Mendoza|Aguilar|Ortiz|"
    "Moreno|Castillo|Romero|Álvarez|Méndez|Chávez|Rivera|Juárez|Ramos|Domínguez|Herrera|"
    "Medina|Castro|Vargas|Guzmán|Velázquez|Muñoz|Rojas|Salazar|Contreras|Luna|Ortega|"
    "Cortés|Guerrero|Estrada|Navarro|Ibarra"
)
TOWN = _pool(
    "Juárez|Hidalgo|Morelos|Guerrero|Allende|Zaragoza|Victoria|Madero|Obregón|Carranza|"
    "Escobedo|Matamoros|Aldama|Galeana|Bravo|Lerdo|Guadalupe|Sabinas|Cuauhtémoc|Nogales|"
    "Ojinaga|Camargo|Parral|Delicias|Apatzingán|Uruapan|Zamora|Iguala|Taxco|Tlapa|"
    "Navolato|Guasave|Escuinapa|Linares|Montemorelos|Ocampo|Valle Hermoso|Río Bravo|"
    "Tecate|Rosarito"
)
TOWN_PREFIX = ["", "San Juan de ", "Santa María de ", "Villa ", "Ciudad ", "Puerto ", "Real de "]
STATE = _pool(
    "Chihuahua|Sinaloa|Guerrero|Michoacán|Nuevo León|Tamaulipas|Baja California|Sonora|"
    "Coahuila|Durango|Jalisco|Morelos|Veracruz|Oaxaca|Puebla|Zacatecas"
)
COUNTRY = _pool(
    "Mexico|United States|Guatemala|Honduras|El Salvador|Colombia|Canada|Spain|Germany|"
    "Brazil|Chile|Peru|Nicaragua|Costa Rica|Panama|Argentina|Ecuador|Venezuela|Belize|"
    "Cuba"
)
TOPIC = _pool(
    "Peace|Justice|Security|Dignity|Human Rights|Transparency|Youth|the Disappeared|"
    "Victims|Memory|Legality|Police Reform|Citizen Participation|Prevention|Public Health|"
    "Education|Crime Reporting|Accountability|Mediation|Urban Renewal"
)
PATTERNS = {
    "Person": ["{first} {surname} {surname2}"],
    "Organization": ["{surname} and {surname2} Consultants", "{town} Civic Trust"],
    "GovernmentAgency": [
        "{town} Public Security Secretariat", "{state} Attorney General's Office",
        "{town} Municipal Police", "{state} Human Rights Commission", "{town} Citizen Council",
    ],
    "CivilSocietyOrganization": [
        "Citizens for {topic} in {town}", "Mothers for {topic} of {state}",
        "{town} Network for {topic}", "Observatory of {topic} in {town}",
    ],
    "BusinessAssociation": ["{town} Chamber of Commerce", "{state} Employers' Council"],
    "MediaOrganization": ["El Diario de {town}", "Radio {town}", "{state} Weekly"],
    "CriminalOrganization": ["{town} Cartel", "Los {surname} of {state}"],
    "InternationalDonor": ["{country} Fund for {topic}", "{surname} Foundation"],
    "ResearchInstitution": ["Institute for {topic} Studies of {state}", "University of {town}"],
    "ArmedGroup": ["{town} Community Police", "{town} Self-Defense Group"],
    "Movement": ["Movement for {topic} in {state}", "{town} March for {topic}"],
    "Program": ["{town} {topic} Program", "{country} Initiative for {topic}"],
    "ProgramComponent": ["{topic} Component of the {town} Program"],
    "Reform": ["{state} {topic} Reform of {year}"],
    "Legislation": ["Law on {topic} of {state} ({year})"],
    "Place": ["{town} Valley"],
    "Country": ["{country}"],
    "Region": ["Northern {state}", "Sierra of {state}", "Coast of {state}"],
    "State": ["{state}"],
    "Municipality": ["{prefix}{town}"],
    "Community": ["Colonia {surname}, {town}", "Ejido {first} {surname}"],
    "Event": ["{town} Security Summit of {year}"],
    "Crime": ["Kidnapping of {first} {surname} ({year})", "{town} Massacre of {year}"],
    "Protest": ["{town} March for {topic} of {year}"],
    "Intervention": ["Joint Operation {town} {year}"],
    "Publication": ["{topic} in {town}: A Report ({year})"],
    "Dataset": ["{state} Crime Statistics {year}", "{town} Victimization Survey {year}"],
    "Concept": ["{topic} as a Public Good"],
    "ResilienceFactor": ["Trust in {topic}"],
    "IssueArea": ["{topic} in {state}"],
    "SurveyCategory": ["Respondents citing {topic}"],
}  # fmt: skip
ROLES = ["director", "coordinator", "spokesperson", "founding member", "president", "adviser"]
