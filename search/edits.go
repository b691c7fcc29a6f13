package search

// editsWithin returns the Levenshtein distance between a and b if it is at most k, and
// false otherwise. It fills only the band of the table within k of the diagonal and stops
// as soon as a row exceeds k, so rejecting a word costs a few dozen steps. (The usual
// libraries compute the whole table, which made typo lookups the slowest part of a search.)
func editsWithin(a, b []rune, k int) (int, bool) {
	if d := len(a) - len(b); d > k || -d > k {
		return 0, false
	}
	const far = 1 << 30
	var rows [2][48]int // on the stack for the words search meets
	prev, cur := rows[0][:0], rows[1][:0]
	if len(b)+1 > len(rows[0]) {
		prev, cur = make([]int, 0, len(b)+1), make([]int, 0, len(b)+1)
	}
	prev, cur = prev[:len(b)+1], cur[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-k), min(len(b), i+k)
		cur[0] = i
		if lo > 1 {
			cur[lo-1] = far
		}
		rowMin := cur[0]
		if lo > 1 {
			rowMin = far
		}
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := prev[j-1] + cost
			if up := prev[j] + 1; up < v {
				v = up
			}
			if left := cur[j-1] + 1; left < v {
				v = left
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if hi < len(b) {
			cur[hi+1] = far
		}
		if rowMin > k {
			return 0, false
		}
		prev, cur = cur, prev
	}
	if d := prev[len(b)]; d <= k {
		return d, true
	}
	return 0, false
}
