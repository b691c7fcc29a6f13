package safety

// The lexicon of danger: what, typed anywhere, is answered with the emergency numbers.
//
// It lives here, in Go, rather than in content: it must hold whatever content an editor
// publishes (a deleted line must not silence a cry for help), and every change to it is
// weighed against the tests beside it — the phrases it must catch and the ordinary
// questions of the development sets it must not — which only a code review runs.
//
// How to read and add to it. A rule is a list of groups of words; the rule fires when the
// text has a word of every group (near: the groups' words follow each other in order).
// A word written "стем*" is any word that begins so; otherwise the whole word. Words are
// written as people write them; both are folded alike before comparing (lower case, ё→е,
// ь/ъ dropped, щ/ж→ш, й→и, Kazakh letters to the Russian ones people type instead:
// ұ,ү→у, қ→к, ғ→г, ң→н, ә→а, ө→о, і→и, һ→х), and a word or stem of eight letters or more
// also matches with one letter wrong, missing or extra after its first two. Shorter typos
// that people make are written out as words of their own (избева*).

// Kind is what danger a rule recognises.
type Kind string

const (
	Violence    Kind = "violence"    // beating, rape, violence at home
	Threat      Kind = "threat"      // threats to kill or harm
	Suicide     Kind = "suicide"     // suicide, self-harm
	Child       Kind = "child"       // a child in danger
	Trafficking Kind = "trafficking" // slavery, held against one's will, papers taken
	Cry         Kind = "cry"         // a plain call for rescue: SOS
)

type rule struct {
	kind   Kind
	near   bool // the groups' words follow each other, in order
	groups [][]string
}

func all(kind Kind, groups ...[]string) rule { return rule{kind: kind, groups: groups} }
func phrase(kind Kind, groups ...[]string) rule {
	return rule{kind: kind, near: true, groups: groups}
}
func words(ws ...string) []string { return ws }

// Who hurts, or whom: with a verb of beating they make a danger that the verb alone (бьет
// — a clock strikes, «бет» is a page in Kazakh) is not.
var (
	peopleRU = words("муж", "мужа", "жена", "отец", "папа", "отчим", "мать", "мама", "мачеха", "сожитель*",
		"парень", "брат", "сын", "свекр*", "свекров*", "теща", "тесть", "бывший", "он", "она", "они",
		"меня", "мне", "нас", "маму", "сестру", "дочь", "дочку", "жену", "родители", "родственники", "дядя", "сосед")
	childRU = words("ребенк*", "ребенок", "ребенку", "детей", "дети", "детям", "сына", "сыну", "дочь", "дочку", "дочери",
		"малыш*", "девочк*", "мальчик*", "внук*", "внучк*", "подрост*", "школьник*")
	beatRU = words("бьет", "бьют", "бил", "била", "били", "бьешь", "побил", "побила", "побили", "бить",
		"ударил", "ударила", "ударили", "колотит", "лупит", "душит", "душил", "пинает", "издевается", "издеваются")
	peopleKK = words("күйеу*", "әйел*", "әке", "әкем", "әкесі", "шешем", "шешесі", "анам", "өгей*", "ағам", "ағасы", "інім", "енем",
		"қайын*", "атам", "мені", "бізді", "маған", "ол", "олар", "жігітім", "көрші*")
	childKK = words("бала*", "баламды", "баланы", "балаға", "ұлым*", "қызым*", "немере*", "сәби*")
	beatKK  = words("ұрады", "ұрды", "ұрып", "ұрған", "ұрамын", "ұрмақ*", "соғады", "соқты", "соғып",
		"сабайды", "сабады", "сабап", "тепкіле*", "буындыр*", "қинайды")
)

var rules = []rule{
	// ── Violence ─────────────────────────────────────────────────────────────────────
	all(Violence, peopleRU, beatRU),
	all(Violence, words("избив*", "избева*", "избил*", "избит*", "избиен*", "побои", "побоев", "изнасил*", "насилует", "насилуют", "насиловал*", "домогает*", "домогал*")),
	all(Violence, words("бытов*", "домашн*", "семейн*", "сексуальн*", "физическ*"), words("насили*")),
	all(Violence, words("насилие", "насилия"), words("муж*", "меня", "дома", "терплю", "помогите")),
	phrase(Violence, words("поднимает", "поднял", "поднимал"), words("руку")),
	all(Violence, peopleKK, beatKK),
	all(Violence, words("ұрып-соғ*", "зорлады", "зорлап", "зорлайды", "зорлау*", "зорланған")),
	all(Violence, words("зорлық*"), words("күйеу*", "үйде", "маған", "мені", "көмектесіңіз", "көмек")),
	phrase(Violence, words("ұрып", "соғып", "сабап"), words("жатыр", "жатыр*", "тұр", "отыр")),

	// ── Suicide and self-harm ──────────────────────────────────────────────────────────
	all(Suicide, words("суицид*", "самоубийств*", "суецид*", "самоубиц*")),
	all(Suicide, words("поконч*", "кончу"), words("собой", "жизнь", "жизнью")),
	phrase(Suicide, words("не"), words("хочу", "хочется", "могу"), words("жить")),
	phrase(Suicide, words("жить"), words("не"), words("хочу", "хочется", "могу")),
	phrase(Suicide, words("не"), words("хочу", "хочется", "могу"), words("больше", "уже", "так"), words("жить")),
	phrase(Suicide, words("хочу", "хочется"), words("умереть", "сдохнуть", "умирать")),
	all(Suicide, words("уби*", "убью"), words("себя")),
	all(Suicide, words("вскрою", "вскрыть", "выпрыгн*", "спрыгн*", "наглотат*", "отравлюсь", "отравить"), words("вены", "себя", "окна", "крыши", "таблет*")),
	all(Suicide, words("повешусь", "повеситься", "повесилась", "повесился", "удавлюсь")),
	phrase(Suicide, words("наложить", "наложу"), words("на"), words("себя")),
	phrase(Suicide, words("режу", "резать", "порезать", "порезала", "порезал"), words("себя", "вены", "руки")),
	all(Suicide, words("өзімді", "өзін", "өзіңді", "өзімді-өзім"), words("өлтір*", "асыл*", "асамын", "жарақаттай*")),
	phrase(Suicide, words("қол"), words("жұмса*")),
	all(Suicide, words("өлгім", "өлгiм", "өлемін", "өлейін")),
	phrase(Suicide, words("өмір"), words("сүргім"), words("келмейді")),
	phrase(Suicide, words("өмірден"), words("кеткім", "кетемін")),
	all(Suicide, words("асылып", "асыламын")),

	// ── Threats ──────────────────────────────────────────────────────────────────────
	all(Threat, words("убью", "убьет", "убьют", "убить", "убил", "убила", "убивает", "зарежу", "зарежет", "задушу", "задушит", "прибью", "прибьет", "пристрелю")),
	all(Threat, words("угрож*", "грози*", "запугива*"), words("меня", "мне", "нам", "нас", "детям", "расправ*", "ножом", "оружием", "смерт*")),
	all(Threat, words("өлтір*")),
	all(Threat, words("қорқыт*"), append(append([]string{}, peopleKK...), "пышақ*", "өлтіремін")),
	phrase(Threat, words("опасност*", "угроз*"), words("жизни")),
	phrase(Threat, words("өмірге", "өміріме"), words("қауіп*")),

	// ── A child in danger ──────────────────────────────────────────────────────────────
	all(Child, childRU, beatRU),
	all(Child, childRU, words("насил*", "изнасил*", "домога*", "избив*", "пропал", "пропала", "похитил*", "украли", "бросили", "голодает", "морят",
		"пристает", "пристает*", "трогает", "лапает")),
	all(Child, childKK, beatKK),
	all(Child, childKK, words("зорла*", "зорлық*", "жоғалып", "жоғалды", "ұрлап", "аштан")),

	// ── Trafficking ────────────────────────────────────────────────────────────────────
	all(Trafficking, words("рабств*", "рабыни", "трафикинг*")),
	phrase(Trafficking, words("торговл*"), words("людьми")),
	all(Trafficking, words("прода*"), words("меня", "дочь", "девушку", "сестру", "жену", "ребенка", "людей", "рабство")),
	all(Trafficking, words("паспорт*", "документ*"), words("отобра*", "отнял*", "забрал*", "забрали", "отняли")),
	all(Trafficking, words("отпускают", "выпускают", "отпускает", "выпускает"), words("домой", "дома", "силой", "держат", "паспорт*", "документ*", "уйти", "уехать")),
	all(Trafficking, words("держат", "держит", "заперли", "запер", "заперт*"), words("силой", "взаперти", "против", "дома", "подвале", "меня", "нас")),
	all(Trafficking, words("секс-рабств*", "принудительн*"), words("труд*", "работ*", "проституц*")),
	all(Trafficking, words("құлдық*")),
	phrase(Trafficking, words("адам"), words("саудас*")),
	all(Trafficking, words("паспорт*", "құжат*"), words("тартып", "алып", "бермейді", "тартыпалды")),
	all(Trafficking, words("жібермейді", "шығармайды", "қамап", "қамады"), words("мені", "бізді", "үйден", "үйге", "күшпен")),

	// ── A plain call for rescue ────────────────────────────────────────────────────────
	all(Cry, words("sos", "сос", "спасите", "құтқарыңдар", "құтқарыңыз")),
}
