using System.Globalization;
using System.Text;
using System.Text.Json;
using Monfri.Domain.Conditions;
using static Monfri.Application.Conditions.Text.ConditionTextSyntax;

namespace Monfri.Application.Conditions.Text;

/// <summary>
/// Reads the text language (docs/segments-language.md) by recursive descent: <c>or</c> binds loosest, then
/// <c>and</c>, then <c>not</c>; comparisons and calls are the leaves. The first problem stops it with a message that
/// says what was expected after what, at which line and column.
/// </summary>
internal sealed class ConditionTextParser
{
    private readonly string _text;
    private readonly ConditionCatalog _catalog;
    private readonly List<Token> _tokens;
    private int _next;

    private ConditionTextParser(string text, ConditionCatalog catalog, List<Token> tokens) =>
        (_text, _catalog, _tokens) = (text, catalog, tokens);

    public static ConditionTextResult Parse(string text, ConditionCatalog catalog)
    {
        try
        {
            if (text.Length > ConditionText.MaxLength)
            {
                throw new TextProblem($"A definition has at most {ConditionText.MaxLength:N0} characters", ConditionText.MaxLength, 1);
            }

            var parser = new ConditionTextParser(text, catalog, Lex(text));
            if (parser.Peek.Kind == TokenKind.End)
            {
                throw new TextProblem("The definition is empty: write a condition such as lifecycle_stage = \"lead\"", 0, 0);
            }

            var result = parser.Expression();
            if (parser.Peek.Kind != TokenKind.End)
            {
                parser.Fail($"expected and, or or the end after {Describe(parser._tokens[parser._next - 1])}, found {Describe(parser.Peek)}", parser.Peek);
            }

            return new ConditionTextResult(result.Node, null);
        }
        catch (TextProblem problem)
        {
            var (line, column) = LineAndColumn(text, problem.Offset);
            var where = text.Contains('\n', StringComparison.Ordinal) ? $"line {line}, column {column}" : $"column {column}";
            var message = char.ToUpperInvariant(problem.Message[0]) + problem.Message[1..] + $" at {where}.";
            return new ConditionTextResult(null, new ConditionTextError(message, problem.Offset, problem.Length, line, column));
        }
    }

    // ---- expressions -------------------------------------------------------------------------------------------

    /// <summary>A parsed node; <see cref="Flippable"/> when it is a group written as a group (infix or all/any) that <c>not</c> negates in place.</summary>
    private readonly record struct Parsed(Condition Node, bool Flippable);

    private Parsed Expression()
    {
        var first = AndChain();
        if (!IsWord(Peek, "or"))
        {
            return first;
        }

        var children = new List<Condition> { first.Node };
        while (TryWord("or"))
        {
            children.Add(AndChain().Node);
        }

        return new Parsed(new GroupCondition(GroupOperator.Or, children), true);
    }

    private Parsed AndChain()
    {
        var first = Unary();
        if (!IsWord(Peek, "and"))
        {
            return first;
        }

        var children = new List<Condition> { first.Node };
        while (TryWord("and"))
        {
            children.Add(Unary().Node);
        }

        return new Parsed(new GroupCondition(GroupOperator.And, children), true);
    }

    private Parsed Unary()
    {
        if (!TryWord("not"))
        {
            return Primary();
        }

        var operand = Unary();
        return operand is { Node: GroupCondition { Not: false } group, Flippable: true }
            ? new Parsed(group with { Not = true }, false)
            : new Parsed(new GroupCondition(GroupOperator.And, [operand.Node], Not: true), false);
    }

    private Parsed Primary()
    {
        var token = Peek;
        if (token.Kind == TokenKind.Symbol && token.Text == "(")
        {
            _next++;
            var inner = Expression();
            Expect(")", $"expected ) to close the ( at column {LineAndColumn(_text, token.Offset).Column}");
            return inner;
        }

        if (token.Kind == TokenKind.Word && NextIs(1, "("))
        {
            switch (token.Text.ToLowerInvariant())
            {
                case All or Any:
                    return GroupCall(token);
                case Performed or DidNotPerform or FirstPerformed:
                    return new Parsed(EventCall(token), false);
                case HasDeal:
                    return new Parsed(DealCall(token), false);
                case InSegment:
                    return new Parsed(SegmentCall(token), false);
            }
        }

        if (token.Kind == TokenKind.Word && NextIs(1, "("))
        {
            Fail($"there is no function {token.Text}(…); conditions are performed, did_not_perform, first_performed, has_deal, in_segment, all and any", token);
        }

        if (IsWord(token, Identified) || IsWord(token, Anonymous))
        {
            _next++;
            return new Parsed(new IdentifiedCondition(IsWord(token, Identified)), false);
        }

        if (token.Kind is TokenKind.Word or TokenKind.QuotedName && (token.Kind == TokenKind.QuotedName || !Reserved.Contains(token.Text)))
        {
            _next++;
            var (op, value) = Comparison(token, isProperty: false);
            return new Parsed(new FieldCondition(token.Text, op, value), false);
        }

        Fail($"expected a condition (a field such as lifecycle_stage, performed(…), has_deal(…), in_segment(…), identified, anonymous, not or ( ), found {Describe(token)}", token);
        return default;
    }

    private Parsed GroupCall(Token name)
    {
        _next += 2;
        var children = new List<Condition>();
        if (!TrySymbol(")"))
        {
            do
            {
                children.Add(Expression().Node);
            }
            while (TrySymbol(","));

            Expect(")", $"expected , or ) in {name.Text.ToLowerInvariant()}(…)");
        }

        return new Parsed(new GroupCondition(IsWord(name, All) ? GroupOperator.And : GroupOperator.Or, children), true);
    }

    /// <summary>The operator and value after a field or property name.</summary>
    private (ConditionOperator Op, JsonElement? Value) Comparison(Token name, bool isProperty)
    {
        var token = Peek;
        var what = isProperty ? "property" : "field";
        if (token.Kind == TokenKind.Symbol && SymbolOperator(token.Text) is { } symbol)
        {
            _next++;
            return (symbol, Literal(token));
        }

        if (IsWord(token, "is"))
        {
            _next++;
            var negated = TryWord("not");
            if (!TryWord("set"))
            {
                Fail($"expected set after {(negated ? "is not" : "is")}, found {Describe(Peek)}", Peek);
            }

            return (negated ? ConditionOperator.NotSet : ConditionOperator.IsSet, null);
        }

        if (token.Kind == TokenKind.Word && WordOperator(token.Text) is { } word)
        {
            _next++;
            if (word == ConditionOperator.InLastDays && Peek.Kind == TokenKind.Duration)
            {
                return (word, JsonDocument.Parse(Take().Text).RootElement.Clone());
            }

            if (word == ConditionOperator.In && !(Peek.Kind == TokenKind.Symbol && Peek.Text == "["))
            {
                Fail($"expected a list such as [\"a\", \"b\"] after in, found {Describe(Peek)}", Peek);
            }

            return (word, Literal(token));
        }

        Fail($"expected an operator (=, !=, >, >=, <, <=, contains, starts_with, in, is set, is not set, before, after, within) after the {what} {Describe(name)}, found {Describe(token)}", token);
        return default;
    }

    /// <summary>A value: "text", a number, true, false, null or a [list] of those.</summary>
    private JsonElement? Literal(Token after)
    {
        var token = Peek;
        if (token.Kind == TokenKind.Symbol && token.Text == "[")
        {
            _next++;
            var items = new List<string>();
            if (!TrySymbol("]"))
            {
                do
                {
                    var item = Peek;
                    if (Literal(after) is not { } value || value.ValueKind == JsonValueKind.Array)
                    {
                        Fail($"expected a text, a number or true/false in the list after {Describe(after)}, found {Describe(item)}", item);
                        return null;
                    }

                    items.Add(value.GetRawText());
                }
                while (TrySymbol(","));

                Expect("]", "expected , or ] in the list");
            }

            return JsonDocument.Parse("[" + string.Join(",", items) + "]").RootElement.Clone();
        }

        switch (token.Kind)
        {
            case TokenKind.String:
                _next++;
                return JsonSerializer.SerializeToElement(token.Text);
            case TokenKind.Number:
                _next++;
                return JsonDocument.Parse(token.Text).RootElement.Clone();
            case TokenKind.Word when IsWord(token, "true") || IsWord(token, "false"):
                _next++;
                return JsonSerializer.SerializeToElement(IsWord(token, "true"));
            case TokenKind.Word when IsWord(token, "null"):
                _next++;
                return null;
        }

        Fail($"expected a value (\"text\", a number, true, false or a [list]) after {Describe(after)}, found {Describe(token)}", token);
        return null;
    }

    // ---- calls -------------------------------------------------------------------------------------------------

    private EventCondition EventCall(Token name)
    {
        _next += 2;
        var function = name.Text.ToLowerInvariant();
        var eventToken = Peek;
        if (eventToken.Kind != TokenKind.String)
        {
            Fail($"expected the event name in quotes after {function}(, found {Describe(eventToken)}", eventToken);
        }

        _next++;
        var frequency = function switch
        {
            DidNotPerform => EventFrequency.None,
            FirstPerformed => EventFrequency.First,
            _ => EventFrequency.AtLeast,
        };
        var count = 1;
        List<PropertyCondition>? where = null;
        int? lastDays = null;
        DateTimeOffset? from = null, to = null;
        var seen = new HashSet<string>();
        while (TrySymbol(","))
        {
            var argument = Peek;
            var key = Argument(argument, function, seen, "where", "count", "within", "from", "to");
            switch (key)
            {
                case "where":
                    where = [];
                    do
                    {
                        var property = Peek;
                        if (property.Kind is not (TokenKind.Word or TokenKind.QuotedName) || (property.Kind == TokenKind.Word && Reserved.Contains(property.Text)))
                        {
                            Fail($"expected a property name after {Describe(_tokens[_next - 1])}, found {Describe(property)}", property);
                        }

                        _next++;
                        var (op, value) = Comparison(property, isProperty: true);
                        where.Add(new PropertyCondition(property.Text, op, value));
                    }
                    while (TryWord("and"));

                    break;
                case "count":
                    if (function != Performed)
                    {
                        Fail($"no count in {function}(…); use performed(\"…\", count >= N)", argument);
                    }

                    var op2 = Peek;
                    frequency = op2.Kind == TokenKind.Symbol ? op2.Text switch
                    {
                        ">=" => EventFrequency.AtLeast,
                        "<=" => EventFrequency.AtMost,
                        "=" or "==" => EventFrequency.Exactly,
                        _ => Fail<EventFrequency>($"expected >=, <= or = after count, found {Describe(op2)}", op2),
                    } : Fail<EventFrequency>($"expected >=, <= or = after count, found {Describe(op2)}", op2);
                    _next++;
                    count = WholeNumber(op2, ConditionValues.MaxCount);
                    break;
                case "within":
                    lastDays = Days("within:");
                    break;
                case "from":
                    from = DateValue("from:");
                    break;
                case "to":
                    to = DateValue("to:");
                    break;
            }
        }

        Expect(")", $"expected , or ) in {function}(…)");
        if (lastDays is not null && (from is not null || to is not null))
        {
            Fail("a window is either within: Nd or from:/to: dates, not both", name);
        }

        var window = lastDays is null && from is null && to is null ? null : new TimeWindow(lastDays, from, to);
        return new EventCondition(eventToken.Text, frequency, count, where, window);
    }

    private DealCondition DealCall(Token name)
    {
        _next += 2;
        var state = DealState.Any;
        CatalogPipeline? pipeline = null;
        Guid? pipelineId = null, stageId = null;
        Token? stageName = null;
        int? withinDays = null;
        ConditionOperator? amountOp = null;
        decimal? amount = null;
        var seen = new HashSet<string>();
        var first = true;
        while (first ? !(Peek.Kind == TokenKind.Symbol && Peek.Text == ")") : TrySymbol(","))
        {
            first = false;
            var argument = Peek;
            switch (Argument(argument, HasDeal, seen, "state", "pipeline", "stage", "within", "amount"))
            {
                case "state":
                    var value = Peek;
                    state = value.Kind == TokenKind.Word ? value.Text.ToLowerInvariant() switch
                    {
                        "any" => DealState.Any,
                        "open" => DealState.Open,
                        "won" => DealState.Won,
                        "lost" => DealState.Lost,
                        _ => Fail<DealState>($"expected open, won, lost or any after state:, found {Describe(value)}", value),
                    } : Fail<DealState>($"expected open, won, lost or any after state:, found {Describe(value)}", value);
                    _next++;
                    break;
                case "pipeline":
                    var pipelineName = QuotedAfter("pipeline:");
                    pipeline = FindByName(_catalog.Pipelines.Values, p => p.Name, pipelineName, "pipeline");
                    pipelineId = pipeline?.Id ?? Guid.Parse(pipelineName.Text);
                    break;
                case "stage":
                    // Looked up once all arguments are read: the pipeline may come after the stage.
                    stageName = QuotedAfter("stage:");
                    break;
                case "within":
                    withinDays = Days("within:");
                    break;
                case "amount":
                    var op = Peek;
                    amountOp = op.Kind == TokenKind.Symbol ? SymbolOperator(op.Text) : null;
                    if (amountOp is null)
                    {
                        Fail($"expected =, !=, >, >=, < or <= after amount, found {Describe(op)}", op);
                    }

                    _next++;
                    var number = Peek;
                    if (IsWord(number, "null"))
                    {
                        _next++;
                    }
                    else if (number.Kind == TokenKind.Number && decimal.TryParse(number.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                    {
                        _next++;
                        amount = parsed;
                    }
                    else
                    {
                        Fail($"expected a number after {op.Text}, found {Describe(number)}", number);
                    }

                    break;
            }
        }

        if (stageName is { } stageToken)
        {
            List<CatalogPipeline> scope = pipeline is not null ? [pipeline] : [.. _catalog.Pipelines.Values];
            var stages = scope.SelectMany(p => p.Stages.Select(s => (Pipeline: p, Id: s.Key, Name: s.Value))).ToList();
            var match = FindByName(stages, s => s.Name, stageToken, pipeline is null ? "stage" : $"stage in pipeline \"{pipeline.Name}\"");
            stageId = match.Name is null ? Guid.Parse(stageToken.Text) : match.Id;
        }

        Expect(")", $"expected , or ) in {HasDeal}(…)");
        return new DealCondition(state, pipelineId, stageId, withinDays, amountOp, amount);
    }

    private SegmentMembershipCondition SegmentCall(Token name)
    {
        _next += 2;
        var segmentName = QuotedAfter($"{InSegment}(");
        var segment = FindByName(_catalog.Segments.Values, s => s.Name, segmentName, "segment");
        Expect(")", $"expected ) after the segment's name in {InSegment}(…)");
        return new SegmentMembershipCondition(segment?.Id ?? Guid.Parse(segmentName.Text));
    }

    /// <summary>Reads <c>name:</c> (or <c>count</c> / <c>amount</c>, which an operator follows) and refuses a repeated or unknown one.</summary>
    private string Argument(Token token, string function, HashSet<string> seen, params string[] allowed)
    {
        var key = token.Kind == TokenKind.Word ? token.Text.ToLowerInvariant() : "";
        if (!allowed.Contains(key))
        {
            Fail($"expected {string.Join(", ", allowed.Select(a => a is "count" or "amount" ? a : a + ":"))} in {function}(…), found {Describe(token)}", token);
        }

        if (!seen.Add(key))
        {
            Fail($"the argument {key} is given twice in {function}(…)", token);
        }

        _next++;
        if (key is not ("count" or "amount"))
        {
            Expect(":", $"expected : after {key}");
        }

        return key;
    }

    private Token QuotedAfter(string after)
    {
        var token = Peek;
        if (token.Kind != TokenKind.String)
        {
            Fail($"expected a name in quotes after {after}, found {Describe(token)}", token);
        }

        _next++;
        return token;
    }

    /// <summary>The one item with this name (exact, else ignoring case); its id written as text is taken as is; else a precise refusal.</summary>
    private T? FindByName<T>(IEnumerable<T> items, Func<T, string> nameOf, Token name, string what)
    {
        var all = items.ToList();
        var exact = all.Where(i => nameOf(i) == name.Text).ToList();
        var matches = exact.Count > 0 ? exact : all.Where(i => string.Equals(nameOf(i), name.Text, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 1)
        {
            return matches[0];
        }

        if (matches.Count > 1)
        {
            Fail(what == "stage"
                    ? $"several pipelines have a stage named {Quote(name.Text)}; name the pipeline too: has_deal(pipeline: \"…\", stage: {Quote(name.Text)})"
                    : $"several {what}s are named {Quote(name.Text)}",
                name);
        }

        if (!Guid.TryParse(name.Text, out _))
        {
            var known = all.Select(nameOf).Distinct().Order().Take(8).ToList();
            Fail($"there is no {what} named {Quote(name.Text)}{(known.Count > 0 ? $" (there are {string.Join(", ", known.Select(Quote))})" : "")}", name);
        }

        return default;
    }

    private int Days(string after)
    {
        var token = Peek;
        if (token.Kind != TokenKind.Duration)
        {
            Fail($"expected a number of days such as 30d after {after}, found {Describe(token)}", token);
        }

        _next++;
        return int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= ConditionValues.MaxDays
            ? days
            : Fail<int>($"the number of days must be 1 to {ConditionValues.MaxDays}, not {token.Text}", token);
    }

    private int WholeNumber(Token after, int max)
    {
        var token = Peek;
        if (token.Kind != TokenKind.Number)
        {
            Fail($"expected a number after {after.Text}, found {Describe(token)}", token);
        }

        _next++;
        return int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max
            ? n
            : Fail<int>($"expected a whole number from 0 to {max:N0} after {after.Text}, found {token.Text}", token);
    }

    private DateTimeOffset DateValue(string after)
    {
        var token = Peek;
        if (token.Kind == TokenKind.String && ConditionValues.TryDate(JsonSerializer.SerializeToElement(token.Text), out var date))
        {
            _next++;
            return date;
        }

        return Fail<DateTimeOffset>($"expected a date such as \"2026-12-01\" after {after}, found {Describe(token)}", token);
    }

    // ---- tokens ------------------------------------------------------------------------------------------------

    private Token Peek => _tokens[_next];

    private Token Take() => _tokens[_next++];

    private bool NextIs(int ahead, string symbol) =>
        _next + ahead < _tokens.Count && _tokens[_next + ahead] is { Kind: TokenKind.Symbol } t && t.Text == symbol;

    private static bool IsWord(Token token, string word) => token.Kind == TokenKind.Word && string.Equals(token.Text, word, StringComparison.OrdinalIgnoreCase);

    private bool TryWord(string word)
    {
        if (!IsWord(Peek, word))
        {
            return false;
        }

        _next++;
        return true;
    }

    private bool TrySymbol(string symbol)
    {
        if (Peek is not { Kind: TokenKind.Symbol } t || t.Text != symbol)
        {
            return false;
        }

        _next++;
        return true;
    }

    private void Expect(string symbol, string message)
    {
        if (!TrySymbol(symbol))
        {
            Fail($"{message}, found {Describe(Peek)}", Peek);
        }
    }

    private void Fail(string message, Token at) => throw new TextProblem(message, at.Offset, at.Length);

    private T Fail<T>(string message, Token at) => throw new TextProblem(message, at.Offset, at.Length);

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "the end",
        TokenKind.String => Quote(token.Text),
        TokenKind.QuotedName => Name(token.Text),
        TokenKind.Duration => token.Text + "d",
        _ => token.Text,
    };

    private static (int Line, int Column) LineAndColumn(string text, int offset)
    {
        var line = 1;
        var start = 0;
        for (var i = 0; i < Math.Min(offset, text.Length); i++)
        {
            if (text[i] == '\n')
            {
                line++;
                start = i + 1;
            }
        }

        return (line, offset - start + 1);
    }

    private enum TokenKind
    {
        Word,
        QuotedName,
        String,
        Number,
        Duration,
        Symbol,
        End,
    }

    /// <summary>One token; for strings and quoted names <see cref="Text"/> is the unescaped content, for durations the number of days.</summary>
    private readonly record struct Token(TokenKind Kind, string Text, int Offset, int Length);

    private sealed class TextProblem(string message, int offset, int length) : Exception(message)
    {
        public int Offset { get; } = offset;
        public int Length { get; } = length;
    }

    private static List<Token> Lex(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", text.Length, 0));
                return tokens;
            }

            var start = i;
            var c = text[i];
            if (char.IsAsciiLetter(c) || c is '_' or '$')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '$' || (text[i] == '.' && i + 1 < text.Length && (char.IsAsciiLetterOrDigit(text[i + 1]) || text[i + 1] is '_' or '$'))))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Word, text[start..i], start, i - start));
            }
            else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                i++;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                if (i < text.Length && text[i] == 'd' && c != '-' && !(i + 1 < text.Length && (char.IsAsciiLetterOrDigit(text[i + 1]) || text[i + 1] == '_')))
                {
                    tokens.Add(new Token(TokenKind.Duration, text[start..i], start, i + 1 - start));
                    i++;
                    continue;
                }

                if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
                {
                    i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i]))
                    {
                        i++;
                    }
                }

                if (i < text.Length && text[i] is 'e' or 'E')
                {
                    var mark = i++;
                    if (i < text.Length && text[i] is '+' or '-')
                    {
                        i++;
                    }

                    if (i < text.Length && char.IsAsciiDigit(text[i]))
                    {
                        while (i < text.Length && char.IsAsciiDigit(text[i]))
                        {
                            i++;
                        }
                    }
                    else
                    {
                        i = mark;
                    }
                }

                if (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] == '_'))
                {
                    throw new TextProblem($"{text[start..(i + 1)]}… is not a number (a number of days is written like 30d)", start, i + 1 - start);
                }

                // A leading zero would make invalid JSON ("007"); it is read as the number it is.
                var number = text[start..i];
                tokens.Add(new Token(TokenKind.Number, NormaliseNumber(number), start, i - start));
            }
            else if (c is '"' or '\'')
            {
                var (content, end) = ReadString(text, i, c);
                tokens.Add(new Token(TokenKind.String, content, start, end - start));
                i = end;
            }
            else if (c == '`')
            {
                var builder = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new TextProblem("this name in backticks is not closed with `", start, 1);
                    }

                    if (text[i] == '`')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '`')
                        {
                            builder.Append('`');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    builder.Append(text[i++]);
                }

                if (builder.Length == 0)
                {
                    throw new TextProblem("a name in backticks cannot be empty", start, i - start);
                }

                tokens.Add(new Token(TokenKind.QuotedName, builder.ToString(), start, i - start));
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                if (two is ">=" or "<=" or "!=" or "==")
                {
                    tokens.Add(new Token(TokenKind.Symbol, two, start, 2));
                    i += 2;
                }
                else if (c is '(' or ')' or '[' or ']' or ',' or ':' or '=' or '>' or '<')
                {
                    tokens.Add(new Token(TokenKind.Symbol, c.ToString(), start, 1));
                    i++;
                }
                else
                {
                    throw new TextProblem(
                        c == '&' || c == '|' || c == '!' ? $"unexpected {c}; write and, or, not" : $"unexpected character {c}",
                        start, 1);
                }
            }
        }
    }

    private static string NormaliseNumber(string number)
    {
        var negative = number.StartsWith('-');
        var digits = negative ? number[1..] : number;
        var trimmed = digits.TrimStart('0');
        if (trimmed.Length == 0 || !char.IsAsciiDigit(trimmed[0]))
        {
            trimmed = "0" + trimmed;
        }

        return (negative ? "-" : "") + trimmed;
    }

    private static (string Content, int End) ReadString(string text, int start, char quote)
    {
        var builder = new StringBuilder();
        var i = start + 1;
        while (true)
        {
            if (i >= text.Length || text[i] == '\n')
            {
                throw new TextProblem($"this text is not closed with {quote}", start, 1);
            }

            var c = text[i];
            if (c == quote)
            {
                return (builder.ToString(), i + 1);
            }

            if (c != '\\')
            {
                builder.Append(c);
                i++;
                continue;
            }

            if (i + 1 >= text.Length)
            {
                throw new TextProblem($"this text is not closed with {quote}", start, 1);
            }

            var escaped = text[i + 1];
            switch (escaped)
            {
                case '"' or '\'' or '\\' or '/': builder.Append(escaped); i += 2; break;
                case 'n': builder.Append('\n'); i += 2; break;
                case 'r': builder.Append('\r'); i += 2; break;
                case 't': builder.Append('\t'); i += 2; break;
                case 'u' when i + 5 < text.Length && int.TryParse(text.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    builder.Append((char)code);
                    i += 6;
                    break;
                default:
                    throw new TextProblem($"unknown escape \\{escaped} (use \\\", \\\\, \\n, \\t or \\uXXXX)", i, 2);
            }
        }
    }
}
