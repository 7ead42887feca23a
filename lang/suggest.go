package lang

import "fmt"

// suggest returns the candidate closest to given, if it is close enough to
// be a likely typo, or "". Candidates are tried in order, so the first of
// two equally close names wins and the answer never depends on map order.
func suggest(given string, candidates []string) string {
	best, bestDist := "", 3 // an edit distance under 3, as hcl itself uses
	if len(given) > maxSuggestLen {
		return "" // the distance costs len(given)·len(c): no typo is this long
	}
	for _, c := range candidates {
		if len(c) > maxSuggestLen {
			continue
		}
		if d := editDistance(given, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// maxSuggestLen is the longest name suggest compares.
const maxSuggestLen = 256

// didYouMean formats a suggestion as the closing sentence of a Detail.
func didYouMean(given string, candidates []string) string {
	if s := suggest(given, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
