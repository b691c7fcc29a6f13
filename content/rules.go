package content

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// Rules are expr expressions an editor writes and anyone's answers run. A rule that could
// allocate without bound or loop would take down every replica the moment someone's
// answers reach it (expr counts repeat's memory only after allocating it, and does not
// count string concatenation at all), so a rule is compiled with a budget and refused
// when it could exceed it:
//
//   - its source is at most MaxRuleBytes and its syntax tree at most MaxRuleNodes
//     (expr.MaxNodes);
//   - after expr's optimiser, what is left may use only literals, the screener's answers,
//     operators other than + on strings, ?:, indexing, and the functions in
//     ruleFunctions; a range a..b only with numbers written out, at most MaxRangeItems
//     apart (`age in 18..65` is rewritten by expr into two comparisons and is fine);
//     no closures (all, any, map, filter, reduce...), no calls of methods, and no let:
//     a variable lets a value be used twice without being written twice, and lists of
//     lists of a variable double at each let while expr counts two elements, so that
//     string() or max() of the last take time and memory exponential in the rule's size;
//     without let, every value a rule makes is as large as the source that writes it;
//   - its compiled program has no backward jump, so each of its at most MaxRuleOps
//     instructions runs at most once: that is its operation limit, known before it runs;
//   - it runs in a VM whose memory budget is RuleMemory (elements of arrays, maps and
//     ranges it makes, counted before they are made).
//
// Every function allowed takes time and memory proportional to its arguments, which are
// answers, literals or values of the same rule, so a rule that passes runs in time and
// memory bounded by its size. A rule can still fail on some answers (a division by
// zero, an index out of range): that is an error, never a crash, and the engine drops
// what the rule decides for that person (see Match).
const (
	MaxRuleBytes  = 1000
	MaxRuleNodes  = 200
	MaxRuleOps    = 500
	MaxRangeItems = 1000
	RuleMemory    = 10_000
)

// ruleFunctions are the expr built-ins a rule may call: each takes time and memory in
// proportion to its arguments. Left out: repeat, replace, join, split and the other
// string builders; the closures (all, any, none, one, map, filter, find..., count, sum,
// groupBy, sortBy, reduce); list builders (concat, flatten, uniq, sort, keys, values,
// toPairs, fromPairs, take, reverse...); JSON and base64; and now, date and duration,
// because a rule sees the year through `year` and must give the same answer in every
// replica.
var ruleFunctions = []string{
	"abs", "ceil", "floor", "round", "int", "float", "string", "len",
	"lower", "upper", "trim", "trimPrefix", "trimSuffix", "hasPrefix", "hasSuffix",
	"indexOf", "lastIndexOf", "max", "min",
}

// compileRule compiles a rule against env with the budget above, or says why it is refused.
func compileRule(source string, env map[string]any, want expr.Option) (*vm.Program, error) {
	if len(source) > MaxRuleBytes {
		return nil, fmt.Errorf("the rule is %d bytes long; a rule may be at most %d bytes", len(source), MaxRuleBytes)
	}
	p, err := expr.Compile(source, expr.Env(env), want, expr.MaxNodes(MaxRuleNodes))
	if err != nil {
		if strings.Contains(err.Error(), "exceeds maximum allowed nodes") {
			return nil, fmt.Errorf("the rule has more than %d parts (names, numbers, operators); split it or simplify it", MaxRuleNodes)
		}
		return nil, err
	}
	root := p.Node()
	check := &ruleCheck{}
	ast.Walk(&root, check)
	if err := check.result(); err != nil {
		return nil, err
	}
	if len(p.Bytecode) > MaxRuleOps {
		return nil, fmt.Errorf("the rule compiles to %d steps; a rule may take at most %d (split it, or simplify it)", len(p.Bytecode), MaxRuleOps)
	}
	if slices.Contains(p.Bytecode, vm.OpJumpBackward) {
		return nil, errors.New("the rule loops; rules may not repeat anything")
	}
	return p, nil
}

// ruleCheck walks a compiled rule's syntax tree and keeps the first thing it refuses.
// Children are visited before their parent: a loop's body (a predicate) is seen before
// the function looping over it, which names the loop better.
type ruleCheck struct {
	err      error // the first thing refused
	function error // the first function refused: named, it says the most
	loops    bool
}

func (c *ruleCheck) refuse(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf(format, args...)
	}
}

func (c *ruleCheck) result() error {
	switch {
	case c.function != nil:
		return c.function
	case c.err != nil:
		return c.err
	case c.loops:
		return errors.New("loops over lists are not allowed in a rule")
	}
	return nil
}

func (c *ruleCheck) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.NilNode, *ast.IdentifierNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode,
		*ast.StringNode, *ast.ConstantNode, *ast.UnaryNode, *ast.ChainNode, *ast.MemberNode,
		*ast.SliceNode, *ast.ConditionalNode, *ast.SequenceNode,
		*ast.ArrayNode, *ast.MapNode, *ast.PairNode:
		if m, ok := n.(*ast.MemberNode); ok && m.Method {
			c.refuse("calling a method (%s) is not allowed in a rule", memberName(m))
		}
	case *ast.BinaryNode:
		switch n.Operator {
		case "+":
			// Numbers only: strings joined in a rule (with let) can double in size at each
			// step, and expr does not count their memory.
			if !isNumber(n.Left.Type()) || !isNumber(n.Right.Type()) {
				c.refuse("+ joins text here, which is not allowed in a rule: compare answers with == instead")
			}
		case "..":
			from, ok1 := n.Left.(*ast.IntegerNode)
			to, ok2 := n.Right.(*ast.IntegerNode)
			if !ok1 || !ok2 {
				c.refuse("a range (..) in a rule needs both ends written as numbers")
			} else if to.Value-from.Value >= MaxRangeItems {
				c.refuse("the range %d..%d has more than %d numbers; write the bounds as comparisons, such as age >= %d && age <= %d",
					from.Value, to.Value, MaxRangeItems, from.Value, to.Value)
			}
		}
	case *ast.BuiltinNode:
		if !slices.Contains(ruleFunctions, n.Name) && c.function == nil {
			c.function = fmt.Errorf("%s is not allowed in a rule (a rule may use %s)", n.Name, strings.Join(ruleFunctions, ", "))
		}
	case *ast.PredicateNode, *ast.PointerNode:
		c.loops = true
	case *ast.VariableDeclaratorNode:
		c.refuse("let is not allowed in a rule: write the condition where it is used")
	case *ast.CallNode:
		c.refuse("calling functions other than %s is not allowed in a rule", strings.Join(ruleFunctions, ", "))
	default:
		c.refuse("%T is not allowed in a rule", n)
	}
}

func memberName(m *ast.MemberNode) string {
	if s, ok := m.Property.(*ast.StringNode); ok {
		return s.Value
	}
	return "?"
}

func isNumber(t reflect.Type) bool {
	if t == nil {
		return false
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// run runs a compiled rule within its memory budget. A panic inside the VM (a division by
// zero, the budget exceeded) comes back as an error: vm.Run recovers it.
func (r *Rule) run(env map[string]any) (any, error) {
	if r == nil || r.program == nil {
		return nil, errors.New("the rule was not compiled")
	}
	machine := vm.VM{MemoryBudget: RuleMemory}
	return machine.Run(r.program, env)
}

// Names are the names a rule reads (answers' question ids, mrp, pm, year), once each, in
// the order they first appear: what its outcome can depend on.
func (r *Rule) Names() []string {
	if r == nil || r.program == nil {
		return nil
	}
	root := r.program.Node()
	v := &identifiers{}
	ast.Walk(&root, v)
	return v.names
}

type identifiers struct{ names []string }

func (v *identifiers) Visit(node *ast.Node) {
	if id, ok := (*node).(*ast.IdentifierNode); ok && !slices.Contains(v.names, id.Value) {
		v.names = append(v.names, id.Value)
	}
}
