import TestSupport
import Testing

@testable import Config
@testable import Support

/// urllib3's pyproject.toml (MIT), verbatim: a real file with arrays of inline tables, multi-line
/// arrays, trailing commas, literal strings with backslashes and comments after values.
let urllib3PyprojectText = #"""
    # This file is protected via CODEOWNERS

    [build-system]
    requires = ["hatchling>=1.6.0,<2"]
    build-backend = "hatchling.build"

    [project]
    name = "urllib3"
    description = "HTTP library with thread-safe connection pooling, file post, and more."
    readme = "README.md"
    keywords = ["urllib", "httplib", "threadsafe", "filepost", "http", "https", "ssl", "pooling"]
    authors = [
      {name = "Andrey Petrov", email = "andrey.petrov@shazow.net"}
    ]
    maintainers = [
      {name = "Seth Michael Larson", email="sethmichaellarson@gmail.com"},
      {name = "Quentin Pradet", email="quentin@pradet.me"},
      {name = "Illia Volochii", email = "illia.volochii@gmail.com"},
    ]
    classifiers = [
      "Environment :: Web Environment",
      "Intended Audience :: Developers",
      "License :: OSI Approved :: MIT License",
      "Operating System :: OS Independent",
      "Programming Language :: Python",
      "Programming Language :: Python :: 3",
      "Programming Language :: Python :: 3.8",
      "Programming Language :: Python :: 3.9",
      "Programming Language :: Python :: 3.10",
      "Programming Language :: Python :: 3.11",
      "Programming Language :: Python :: 3.12",
      "Programming Language :: Python :: 3 :: Only",
      "Programming Language :: Python :: Implementation :: CPython",
      "Programming Language :: Python :: Implementation :: PyPy",
      "Topic :: Internet :: WWW/HTTP",
      "Topic :: Software Development :: Libraries",
    ]
    requires-python = ">=3.8"
    dynamic = ["version"]

    [project.optional-dependencies]
    brotli = [
      "brotli>=1.0.9; platform_python_implementation == 'CPython'",
      "brotlicffi>=0.8.0; platform_python_implementation != 'CPython'"
    ]
    zstd = [
      "zstandard>=0.18.0",
    ]
    socks = [
      "PySocks>=1.5.6,<2.0,!=1.5.7",
    ]
    h2 = [
      "h2>=4,<5"
    ]

    [project.urls]
    "Changelog" = "https://github.com/urllib3/urllib3/blob/main/CHANGES.rst"
    "Documentation" = "https://urllib3.readthedocs.io"
    "Code" = "https://github.com/urllib3/urllib3"
    "Issue tracker" = "https://github.com/urllib3/urllib3/issues"

    [tool.hatch.version]
    path = "src/urllib3/_version.py"

    [tool.hatch.build.targets.sdist]
    include = [
      "/docs",
      "/dummyserver",
      "/src",
      "/test",
      "/dev-requirements.txt",
      "/CHANGES.rst",
      "/README.md",
      "/LICENSE.txt",
    ]

    [tool.pytest.ini_options]
    xfail_strict = true
    python_classes = ["Test", "*TestCase"]
    markers = [
        "limit_memory: Limit memory with memray",
        "requires_network: This test needs access to the Internet",
        "integration: Slow integrations tests not run by default",
    ]
    log_level = "DEBUG"
    filterwarnings = [
        "error",
        '''default:urllib3 v2 only supports OpenSSL 1.1.1+.*''',
        '''default:No IPv6 support. Falling back to IPv4:urllib3.exceptions.HTTPWarning''',
        '''default:No IPv6 support. skipping:urllib3.exceptions.HTTPWarning''',
        '''default:ssl\.TLSVersion\.TLSv1 is deprecated:DeprecationWarning''',
        '''default:ssl\.PROTOCOL_TLS is deprecated:DeprecationWarning''',
        '''default:ssl\.PROTOCOL_TLSv1 is deprecated:DeprecationWarning''',
        '''default:ssl\.TLSVersion\.TLSv1_1 is deprecated:DeprecationWarning''',
        '''default:ssl\.PROTOCOL_TLSv1_1 is deprecated:DeprecationWarning''',
        '''default:ssl\.PROTOCOL_TLSv1_2 is deprecated:DeprecationWarning''',
        '''default:ssl NPN is deprecated, use ALPN instead:DeprecationWarning''',
        '''default:Async generator 'quart\.wrappers\.response\.DataBody\.__aiter__\.<locals>\._aiter' was garbage collected.*:ResourceWarning''',  # https://github.com/pallets/quart/issues/301
        '''default:unclosed file <_io\.BufferedWriter name='/dev/null'>:ResourceWarning''',  # https://github.com/SeleniumHQ/selenium/issues/13328
    ]

    [tool.isort]
    profile = "black"
    add_imports = "from __future__ import annotations"

    [tool.mypy]
    mypy_path = "src"
    check_untyped_defs = true
    disallow_any_generics = true
    disallow_incomplete_defs = true
    disallow_subclassing_any = true
    disallow_untyped_calls = true
    disallow_untyped_decorators = true
    disallow_untyped_defs = true
    no_implicit_optional = true
    no_implicit_reexport = true
    show_error_codes = true
    strict_equality = true
    warn_redundant_casts = true
    warn_return_any = true
    warn_unused_configs = true
    warn_unused_ignores = true
    enable_error_code = [
      "ignore-without-code",
    ]
    """#

@Suite struct TOMLParserTests {
    private func parse(_ text: String) throws -> TOMLTable {
        try TOML.parse(text, file: "t.toml")
    }

    /// The error message for `text`, or nil when it parses.
    private func failure(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch let e as PerfJournalError {
            return e.kind == .config && e.file == "t.toml" ? e.message : "wrong error: \(e)"
        } catch {
            return "not a PerfJournalError: \(error)"
        }
    }

    @Test func readsARealPyproject() throws {
        let doc = try TOML.parse(urllib3PyprojectText, file: "pyproject.toml")
        let name = try #require(doc.value(at: ["project", "name"]))
        #expect(name.string == "urllib3" && name.line == 8)
        let python = try #require(doc.value(at: ["project", "requires-python"]))
        #expect(python.string == ">=3.8" && python.line == 38)
        #expect(doc.value(at: ["project", "optional-dependencies", "brotli"])?.array?.count == 2)
        #expect(doc.value(at: ["project", "optional-dependencies"])?.line == 41)
        let authors = try #require(doc.value(at: ["project", "authors"])?.array)
        #expect(authors.first?.table?["email"]?.string == "andrey.petrov@shazow.net")
        #expect(doc.value(at: ["project", "maintainers"])?.array?.count == 3)
        #expect(doc.value(at: ["project", "urls", "Issue tracker"])?.string == "https://github.com/urllib3/urllib3/issues")
        #expect(doc.value(at: ["tool", "pytest", "ini_options", "xfail_strict"])?.boolean == true)
        let warnings = try #require(doc.value(at: ["tool", "pytest", "ini_options", "filterwarnings"])?.array)
        #expect(warnings.count == 13)
        #expect(warnings[4].string == #"default:ssl\.TLSVersion\.TLSv1 is deprecated:DeprecationWarning"#)
        #expect(doc.value(at: ["tool", "mypy", "enable_error_code"])?.array?.map(\.string) == ["ignore-without-code"])
        #expect(doc.keys == ["build-system", "project", "tool"])
    }

    @Test func stringsAndEscapes() throws {
        let doc = try parse(
            #"""
            basic = "tab\there \"quoted\" back\\slash \u00E9 \U0001F600"
            literal = 'C:\Users\nodejs\templates'
            multi = """
            Roses are red
            Violets are blue"""
            joined = """\
                   The quick brown \
                   fox."""
            quotes = """Here are two quotation marks: "". Simple enough.""""
            lit_multi = '''
            first line
              raw \n stays'''
            lit_quotes = ''''That,' she said, 'is still pointless.''''
            "quoted key" = 1
            'literal key' = 2
            "" = 3
            """#)
        #expect(doc["basic"]?.string == "tab\there \"quoted\" back\\slash \u{E9} \u{1F600}")
        #expect(doc["literal"]?.string == #"C:\Users\nodejs\templates"#)
        #expect(doc["multi"]?.string == "Roses are red\nViolets are blue")
        #expect(doc["joined"]?.string == "The quick brown fox.")
        #expect(doc["quotes"]?.string == #"Here are two quotation marks: "". Simple enough.""#)
        #expect(doc["lit_multi"]?.string == "first line\n  raw \\n stays")
        #expect(doc["lit_quotes"]?.string == "'That,' she said, 'is still pointless.'")
        #expect(doc["quoted key"]?.integer == 1 && doc["literal key"]?.integer == 2 && doc[""]?.integer == 3)
    }

    @Test func numbersBooleansAndDates() throws {
        let doc = try parse(
            """
            a = +99
            b = -17
            c = 1_000_000
            d = 0xDEAD_beef
            e = 0o755
            f = 0b1101_0110
            g = 0
            h = -0
            i = 9_223_372_036_854_775_807
            j = 6.626e-34
            k = -2E+2_0
            l = 3.14_15
            m = inf
            n = -inf
            o = nan
            p = true
            q = false
            odt = 1979-05-27T07:32:00.999999-07:00
            odt2 = 1979-05-27 07:32:00Z
            ldt = 1979-05-27T07:32:00
            ld = 2024-02-29
            lt = 00:32:00.5
            """)
        #expect(doc["a"]?.integer == 99 && doc["b"]?.integer == -17 && doc["c"]?.integer == 1_000_000)
        #expect(doc["d"]?.integer == 0xDEADBEEF && doc["e"]?.integer == 0o755 && doc["f"]?.integer == 0b1101_0110)
        #expect(doc["g"]?.integer == 0 && doc["h"]?.integer == 0 && doc["i"]?.integer == Int64.max)
        #expect(doc["j"]?.number == 6.626e-34 && doc["k"]?.number == -2e20 && doc["l"]?.number == 3.1415)
        #expect(doc["m"]?.number == .infinity && doc["n"]?.number == -.infinity && doc["o"]?.number?.isNaN == true)
        #expect(doc["p"]?.boolean == true && doc["q"]?.boolean == false)
        #expect(doc["odt"]?.content == .dateTime("1979-05-27T07:32:00.999999-07:00"))
        #expect(doc["odt2"]?.content == .dateTime("1979-05-27 07:32:00Z"))
        #expect(doc["ldt"]?.content == .dateTime("1979-05-27T07:32:00"))
        #expect(doc["ld"]?.content == .dateTime("2024-02-29"))
        #expect(doc["lt"]?.content == .dateTime("00:32:00.5"))
        #expect(doc["m"]?.line == 13)
    }

    @Test func arraysAndInlineTables() throws {
        let doc = try parse(
            """
            nested = [ [ 1, 2 ], ["a", 'b'], [] ]
            mixed = [ 0.1, "x", { y = 1 } ]
            multi = [
              "one",  # a comment
              # a comment line
              "two",
            ]
            point = { x = 1, y.z = 2, "q k" = { } }
            empty = {}
            """)
        let nested = try #require(doc["nested"]?.array)
        #expect(nested.count == 3 && nested[0].array?.map(\.integer) == [1, 2] && nested[2].array?.isEmpty == true)
        #expect(doc["mixed"]?.array?[2].table?["y"]?.integer == 1)
        let multi = try #require(doc["multi"]?.array)
        #expect(multi.map(\.string) == ["one", "two"])
        #expect(multi.map(\.line) == [4, 6])
        #expect(doc.value(at: ["point", "y", "z"])?.integer == 2)
        #expect(doc.value(at: ["point", "q k"])?.table?.keys.isEmpty == true)
        #expect(doc["empty"]?.table?.keys.isEmpty == true)
    }

    @Test func tablesDottedKeysAndArraysOfTables() throws {
        let doc = try parse(
            """
            title = "root"
            site."google.com" = true
            [a.b."quoted . key"]
            x = 1
            [a]
            y = 2
            [ dog . "tater.man" ]
            type.name = "pug"
            [fruit]
            apple.color = "red"
            [fruit.apple.texture]
            smooth = true

            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"
            [[fruits]]
            name = "banana"
            """)
        #expect(doc.value(at: ["site", "google.com"])?.boolean == true)
        #expect(doc.value(at: ["a", "b", "quoted . key", "x"])?.integer == 1)
        #expect(doc.value(at: ["a", "y"])?.integer == 2)
        #expect(doc.value(at: ["a"])?.line == 5)
        #expect(doc.value(at: ["a", "b", "quoted . key"])?.line == 3)
        #expect(doc.value(at: ["dog", "tater.man", "type", "name"])?.string == "pug")
        #expect(doc.value(at: ["fruit", "apple", "texture", "smooth"])?.boolean == true)
        let fruits = try #require(doc["fruits"]?.array)
        #expect(fruits.count == 2)
        #expect(fruits.map(\.line) == [14, 22])
        #expect(fruits[0].table?.value(at: ["physical", "color"])?.string == "red")
        #expect(fruits[0].table?["varieties"]?.array?.compactMap { $0.table?["name"]?.string } == ["red delicious", "granny smith"])
        #expect(fruits[1].table?["name"]?.string == "banana")
        #expect(doc.keys == ["title", "site", "a", "dog", "fruit", "fruits"])
    }

    @Test func acceptsCRLFCommentsAndByteOrderMark() throws {
        let text = "# c\r\n[t]\r\nk = \"v\" # c\r\nm = \"\"\"a\r\nb\"\"\"\r\n"
        let doc = try TOML.parse(bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8), file: "t.toml")
        #expect(doc.value(at: ["t", "k"])?.string == "v")
        #expect(doc.value(at: ["t", "k"])?.line == 3)
        #expect(doc.value(at: ["t", "m"])?.string == "a\nb")
    }

    @Test(arguments: [
        ("a = 1\na = 2", "line 2: duplicate key 'a' (first defined on line 1)"),
        ("[t]\nx = 1\n[t]", "line 3: table [t] is defined twice (first on line 1)"),
        ("[t]\na.b = 1\n[t.a]", "line 3: table [t.a] was already defined by dotted keys on line 2"),
        ("a = {x = 1}\n[a]", "line 2: 'a' is already defined as a value on line 1"),
        ("a = {x = 1}\na.y = 2", "line 2: cannot add 'a.y': 'a' is already a value (line 1)"),
        ("a = [1]\n[[a]]", "line 2: 'a' is already defined as a value on line 1"),
        ("[[a]]\n[a]", "line 2: [a] names an array of tables defined on line 1"),
        ("[a.b.c]\n[a]\nb.d = 1", "line 3: cannot add 'b.d': table 'b' was defined on line 1"),
        (#"x = "a\qb""#, #"line 1: invalid escape '\q' in string"#),
        (#"x = "\uD800""#, #"line 1: \uD800 is not a Unicode scalar value"#),
        (#"x = "\u12""#, #"line 1: \u must be followed by 4 hex digits"#),
        ("\nx = \"open", "line 2: unterminated string (opened on line 2)"),
        ("x = \"open\ny = 1", "line 1: unterminated string (a \"...\" string must end on its line)"),
        ("x = \"\"\"\nopen", "line 2: unterminated multi-line string (opened on line 1)"),
        ("x = 012", "line 1: leading zeros are not allowed in '012'"),
        ("x = 1__0", "line 1: invalid value '1__0' (not a number, string, boolean, date, array or table)"),
        ("x = 1.", "line 1: invalid value '1.' (not a number, string, boolean, date, array or table)"),
        ("x = 0x", "line 1: invalid value '0x' (not a number, string, boolean, date, array or table)"),
        ("x = 9223372036854775808", "line 1: integer '9223372036854775808' does not fit in 64 bits"),
        ("x = 2023-02-29", "line 1: invalid date or time '2023-02-29'"),
        ("x = 12:60:00", "line 1: invalid date or time '12:60:00'"),
        ("x = { a = 1,\n b = 2 }", "line 1: expected a key, found end of line"),
        ("x = { a = 1\n}", "line 1: an inline table must be closed on the line it starts ('}' missing)"),
        ("x = { a = 1, }", "line 1: expected a key, found '}'"),
        ("x = [1 2]", "line 1: expected ',' or ']' in array, found '2'"),
        ("x = [\n1,\n", "line 3: unterminated array (opened on line 1)"),
        ("x =", "line 1: expected a value, found end of file"),
        ("x = \n", "line 1: expected a value, found end of line"),
        ("x 1", "line 1: expected '=' after key x, found '1'"),
        ("x = 1 y = 2", "line 1: expected the end of the line after the value, found 'y'"),
        ("[a", "line 1: expected ']' to close [a], found end of file"),
        ("[[a]", "line 1: expected ']]' to close [[a]], found end of file"),
        ("[[a] ]", "line 1: expected ']]' to close [[a]], found ' '"),
        ("[a] b = 1", "line 1: expected the end of the line after the table header, found 'b'"),
        ("= 1", "line 1: expected a key, found '='"),
        ("x = truth", "line 1: invalid value 'truth' (not a number, string, boolean, date, array or table)"),
        ("x = truex", "line 1: expected the end of the line after the value, found 'x'"),
        ("x = 1\r", "line 1: carriage return not followed by a newline"),
        ("# bell \u{07}", "line 1: control character U+0007 in a comment"),
        ("\"\"\"k\"\"\" = 1", "line 1: a key cannot be a multi-line string"),
    ])
    func rejectsInvalidDocumentsWithTheLine(text: String, message: String) {
        #expect(failure(text) == message)
    }

    @Test func rejectsInvalidUTF8WithItsLine() {
        #expect(throws: PerfJournalError(.config, file: "t.toml", "line 2: not valid UTF-8")) {
            try TOML.parse(bytes: Array("a = 1\nb = \"".utf8) + [0xFF, 0x22], file: "t.toml")
        }
    }

    @Test func deepNestingThrowsInsteadOfOverflowing() {
        let text = "x = " + String(repeating: "[", count: 100_000)
        #expect(failure(text) == "line 1: arrays or inline tables nested too deeply")
    }

    /// Every prefix of a real file either parses or throws a config error naming a line inside the prefix.
    @Test func truncatedPrefixesOfARealFileThrowOrParse() throws {
        let bytes = Array(urllib3PyprojectText.utf8)
        var failures = 0
        for end in 0...bytes.count {
            let prefix = Array(bytes[..<end])
            let lines = prefix.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
            do {
                _ = try TOML.parse(bytes: prefix, file: "p.toml")
            } catch let e as PerfJournalError {
                failures += 1
                let line = Int(e.message.dropFirst("line ".count).prefix { $0.isNumber }) ?? -1
                #expect(
                    e.kind == .config && e.file == "p.toml" && e.message.hasPrefix("line ") && (1...lines).contains(line),
                    "prefix of \(end) bytes: \(e)")
            }
        }
        // Cutting inside a string, array or inline table must fail; most cuts land in one.
        #expect(failures > bytes.count / 2)
        let insideAuthors = try #require(urllib3PyprojectText.utf8.firstRange(of: Array("Andrey".utf8)))
        #expect(throws: PerfJournalError(.config, file: "p.toml", "line 13: unterminated string (opened on line 13)")) {
            try TOML.parse(bytes: Array(urllib3PyprojectText.utf8[..<insideAuthors.upperBound]), file: "p.toml")
        }
    }

    /// Random documents built from TOML's own punctuation, and random mutations of a real file:
    /// each parses or throws a config error, never traps.
    @Test func randomInputNeverCrashes() {
        var rng = SeededGenerator(seed: 0x5EED)
        let alphabet = Array("[]{}=.,\"'#\n\r\t \\abc01_-+:eExuTZ".utf8) + [0x00, 0x7F, 0xC3, 0xA9, 0xFF]
        let real = Array(urllib3PyprojectText.utf8)
        var parsed = 0, thrown = 0
        for round in 0..<3000 {
            var input: [UInt8]
            if round % 2 == 0 {
                input = (0..<Int(rng.next() % 120)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            } else {
                input = real
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let at = Int(rng.next() % UInt64(input.count))
                    let byte = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                    if rng.next() % 2 == 0 { input[at] = byte } else { input.insert(byte, at: at) }
                }
            }
            do {
                _ = try TOML.parse(bytes: input, file: "r.toml")
                parsed += 1
            } catch let e as PerfJournalError {
                #expect(e.kind == .config && e.message.hasPrefix("line "))
                thrown += 1
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        #expect(parsed > 0 && thrown > 0)
    }
}
