package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// bom starts the CSV so that spreadsheets read it as UTF-8 (Excel shows Cyrillic as
// mojibake without it).
const bom = "\ufeff"

// Header is the first row of a CSV sheet.
var Header = []string{"id", "kk", "ru", "changed"}

// WriteCSV writes the cells as a UTF-8 CSV with a byte order mark: a header row, then one
// row per cell (id, kk, ru, changed).
func WriteCSV(w io.Writer, cells []Cell) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return err
	}
	for _, c := range cells {
		if err := cw.Write([]string{c.ID, c.KK, c.RU, c.Changed}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadCSV reads a sheet written by WriteCSV and edited in a spreadsheet. The header row
// decides which column is which (id, kk and ru are needed; other columns are ignored), and
// the separator may be a comma, a semicolon (Excel in Russian and Kazakh saves with it) or
// a tab. Every problem is reported, with its line, as Problems.
func ReadCSV(r io.Reader) ([]Cell, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(data) {
		return nil, Problems{{Message: `the sheet is not UTF-8 text: save it as "CSV UTF-8" (in Excel: Save As, then "CSV UTF-8 (comma delimited)")`}}
	}
	data = bytes.TrimPrefix(data, []byte(bom))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.Comma = separator(first)

	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Problems{{Message: "the sheet is empty"}}
		}
		return nil, Problems{csvProblem(err)}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"id", "kk", "ru"} {
		if _, ok := col[need]; !ok {
			return nil, Problems{{Line: 1, Message: "the first row must name the columns id, kk, ru and changed, as the export wrote them; " + need + " is missing"}}
		}
	}
	var (
		cells    []Cell
		problems Problems
	)
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, csvProblem(err))
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			problems = append(problems, Problem{Line: line, Row: row, Message: fmt.Sprintf("%d columns where the header has %d (%s): a cell may hold a separator or a line break outside quotes", len(rec), len(header), strings.Join(header, ", "))})
			continue
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue // an empty row, as spreadsheets leave at the end
		}
		id := strings.TrimSpace(rec[col["id"]])
		if id == "" {
			problems = append(problems, Problem{Line: line, Row: row, Message: "the row has no id: keep the id column as the export wrote it"})
			continue
		}
		c := Cell{ID: id, File: fileOf(id), KK: normalize(rec[col["kk"]]), RU: normalize(rec[col["ru"]]), Line: line, Row: row}
		if i, ok := col["changed"]; ok {
			c.Changed = strings.TrimSpace(rec[i])
		}
		cells = append(cells, c)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return cells, nil
}

// separator guesses the sheet's separator from its header row.
func separator(header []byte) rune {
	for _, sep := range []byte{',', ';', '\t'} {
		if bytes.IndexByte(header, sep) >= 0 {
			return rune(sep)
		}
	}
	return ','
}

func csvProblem(err error) Problem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
			msg = `a quote mark (") is out of place: a cell with quotes must be quoted as a whole, with its quotes doubled`
		}
		return Problem{Line: pe.StartLine, Message: msg}
	}
	return Problem{Message: err.Error()}
}
