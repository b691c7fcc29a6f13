package numwords

import "testing"

func TestRead(t *testing.T) {
	for _, tc := range []struct {
		lang, text string
		want       int
		status     Status
	}{
		// Digits, with the words people put around them.
		{"ru", "9 лет", 9, Found},
		{"ru", "9лет", 9, Found},
		{"ru", "мне 45", 45, Found},
		{"ru", "Ему 9 лет.", 9, Found},
		{"ru", "0", 0, Found},
		{"ru", "120", 120, Found},
		{"ru", "-3", -3, Found},
		{"kk", "36 жастамын", 36, Found},
		{"kk", "36жастамын", 36, Found},
		{"kk", "36-да", 36, Found},

		// Russian words: units, teens, every ten, the hundred and up to 120.
		{"ru", "ноль", 0, Found},
		{"ru", "один", 1, Found},
		{"ru", "два", 2, Found},
		{"ru", "девять", 9, Found},
		{"ru", "десять", 10, Found},
		{"ru", "одиннадцать", 11, Found},
		{"ru", "пятнадцать лет", 15, Found},
		{"ru", "девятнадцать", 19, Found},
		{"ru", "двадцать", 20, Found},
		{"ru", "двадцать один", 21, Found},
		{"ru", "тридцать шесть", 36, Found},
		{"ru", "сорок", 40, Found},
		{"ru", "сорок пять", 45, Found},
		{"ru", "пятьдесят два", 52, Found},
		{"ru", "шестьдесят три", 63, Found},
		{"ru", "семьдесят", 70, Found},
		{"ru", "восемьдесят восемь", 88, Found},
		{"ru", "девяносто девять", 99, Found},
		{"ru", "сто", 100, Found},
		{"ru", "сто один", 101, Found},
		{"ru", "сто десять", 110, Found},
		{"ru", "сто девятнадцать", 119, Found},
		{"ru", "сто двадцать", 120, Found},
		{"ru", "Мне ТРИДЦАТЬ ШЕСТЬ лет", 36, Found},
		{"ru", "тридцать, шесть", 36, Found},
		// ё and е, case forms.
		{"ru", "сорок трёх", 43, Found},
		{"ru", "нет и трех лет", 3, Found},
		{"ru", "четырёх", 4, Found},
		// Typos in longer words.
		{"ru", "дивять", 9, Found},
		{"ru", "девят", 9, Found},
		{"ru", "трицать шесть", 36, Found},
		{"ru", "тритцать", 30, Found},
		{"ru", "двацать пять", 25, Found},
		{"ru", "сорак пять", 45, Found},
		{"ru", "пятдесят", 50, Found},
		{"ru", "одинадцать", 11, Found},
		{"ru", "шеснадцать", 16, Found},
		{"ru", "девяноста", 90, Found},

		// Kazakh words: units, every ten, он + unit for the teens, жүз and up to 120.
		{"kk", "нөл", 0, Found},
		{"kk", "бір", 1, Found},
		{"kk", "екі", 2, Found},
		{"kk", "үш", 3, Found},
		{"kk", "төрт", 4, Found},
		{"kk", "бес", 5, Found},
		{"kk", "алты", 6, Found},
		{"kk", "жеті", 7, Found},
		{"kk", "сегіз", 8, Found},
		{"kk", "тоғыз", 9, Found},
		{"kk", "он", 10, Found},
		{"kk", "он бір", 11, Found},
		{"kk", "он бес", 15, Found},
		{"kk", "он тоғыз", 19, Found},
		{"kk", "жиырма", 20, Found},
		{"kk", "жиырма екі", 22, Found},
		{"kk", "отыз алты", 36, Found},
		{"kk", "қырық бес жаста", 45, Found},
		{"kk", "елу", 50, Found},
		{"kk", "алпыс үш", 63, Found},
		{"kk", "жетпіс", 70, Found},
		{"kk", "сексен сегіз", 88, Found},
		{"kk", "тоқсан тоғыз", 99, Found},
		{"kk", "жүз", 100, Found},
		{"kk", "бір жүз", 100, Found},
		{"kk", "жүз бір", 101, Found},
		{"kk", "жүз он", 110, Found},
		{"kk", "жүз жиырма", 120, Found},
		// Endings, a Russian keyboard, typos.
		{"kk", "тоғызда", 9, Found},
		{"kk", "бесте", 5, Found},
		{"kk", "отыз алтыда", 36, Found},
		{"kk", "жиырмаға", 20, Found},
		{"kk", "кырык бес", 45, Found},
		{"kk", "КЫРЫК", 40, Found},
		{"kk", "отыз алты жастамын", 36, Found},
		{"kk", "жирма", 20, Found},
		{"kk", "тогуз", 9, Found},
		{"kk", "сексн", 80, Found},
		// Russian words in a Kazakh chat and Kazakh in a Russian one.
		{"kk", "тридцать шесть", 36, Found},
		{"ru", "отыз алты", 36, Found},

		// Beyond 120: read, for the question to say it is out of range.
		{"ru", "сто пятьдесят", 150, Found},
		{"kk", "жүз елу", 150, Found},
		{"ru", "250", 250, Found},

		// No number.
		{"ru", "много", 0, None},
		{"ru", "не знаю", 0, None},
		{"ru", "", 0, None},
		{"ru", "он не помнит", 0, None}, // «он» is "he" in Russian
		{"kk", "білмеймін", 0, None},
		{"ru", "есть", 0, None}, // not «шесть» with a typo: too short to guess
		{"ru", "99999999999999999999999", 0, None},

		// Two numbers: which is meant is a guess, so the question is asked again.
		{"ru", "5 или 6", 0, Several},
		{"ru", "9 лет и 5 месяцев", 0, Several},
		{"ru", "пять шесть", 0, Several},
		{"ru", "тридцать сорок", 0, Several},
		{"ru", "5-6", 0, Several},
		{"ru", "9,5", 0, Several},
		{"ru", "двадцать 5", 0, Several},
		{"kk", "бес не алты", 0, Several},
		{"kk", "отыз қырық", 0, Several},
		{"ru", "сто сто", 0, Several},
	} {
		got, status := Read(tc.text, tc.lang)
		if got != tc.want || status != tc.status {
			t.Errorf("Read(%q, %s) = %d, %v; want %d, %v", tc.text, tc.lang, got, status, tc.want, tc.status)
		}
	}
}

// Every number from 0 to 120 written out in words reads back as itself, in both languages.
func TestEveryNumberUpTo120(t *testing.T) {
	ruUnits := []string{"", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"}
	ruTeens := []string{"десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"}
	ruTens := []string{"", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"}
	kkUnits := []string{"", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"}
	kkTens := []string{"", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан"}
	join := func(ws ...string) string {
		out := ""
		for _, w := range ws {
			if w != "" {
				if out != "" {
					out += " "
				}
				out += w
			}
		}
		return out
	}
	for n := 0; n <= 120; n++ {
		h, rest := n/100, n%100
		var ru, kk string
		switch {
		case n == 0:
			ru, kk = "ноль", "нөл"
		case rest >= 10 && rest < 20:
			ru = join(map[int]string{1: "сто"}[h], ruTeens[rest-10])
		default:
			ru = join(map[int]string{1: "сто"}[h], ruTens[rest/10], ruUnits[rest%10])
		}
		if n > 0 {
			kk = join(map[int]string{1: "жүз"}[h], kkTens[rest/10], kkUnits[rest%10])
		}
		for lang, text := range map[string]string{"ru": ru, "kk": kk} {
			if got, status := Read(text, lang); got != n || status != Found {
				t.Errorf("Read(%q, %s) = %d, %v; want %d", text, lang, got, status, n)
			}
		}
	}
}
