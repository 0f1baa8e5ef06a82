-- Module:Advocacy: helpers for the Advocacy Hub's record templates (installed with them by
-- `advocacy-bot templates install`; the source is wikitemplates/Module_Advocacy.lua in the
-- bot's repository).
--
-- It reads JSON pages (mw.loadJsonData): Module:Advocacy/Schema.json (generated from the bot's
-- config/schema.toml: kinds, fields, jurisdictions, messages), Module:Advocacy/Vocabularies.json
-- (the community's vocabularies, or the page Module:Advocacy/Config.json names) and the compact
-- case table the bot's harvest writes (its title in Module:Advocacy/Config.json). The query and the checks follow the bot's Python code
-- (bots/core/casequery.py, bots/core/normalise.py, bots/core/vocab.py): keep them in step.
local p = {}

local SCHEMA = 'Module:Advocacy/Schema.json'
local VOCABULARIES = 'Module:Advocacy/Vocabularies.json'
local CONFIG = 'Module:Advocacy/Config.json'
local PLACES = 'Module:Advocacy/Places.json'
local DEFAULT_LIMIT, MAX_LIMIT = 50, 500
local MAX_TEXT = 10000 -- normalise.py MAX_TEXT: a text field's length without max_length
-- The case table's format (bots/core/casetable.py VERSION): each row one string, its values
-- separated by a tab, the items of a field of several values by a new line.
local TABLE_VERSION = 3

local ustring = mw.ustring
-- Text as text: mw.text.nowiki, with control characters (a new line above all) as spaces: a
-- label holding "\n!" must not start a table cell, nor a new line end an attribute (issue 25).
local function nowiki(s)
	return mw.text.nowiki((string.gsub(s, '%c', ' ')))
end
-- White space as Python's str.strip and re's \s know it (the bot strips and compares values
-- with them): ASCII's, U+001C-U+001F, U+0085, U+00A0 and Unicode's spaces and separators.
local SPACE = '\9-\13\28-\32\194\133\194\160\225\154\128\226\128\128-\226\128\138\226\128\168\226\128\169\226\128\175\226\129\159\227\128\128'

local function trim(s)
	return mw.text.trim(s, SPACE)
end

local plainMessage -- defined with {{Advocacy cases}}

local function load(title)
	local ok, data = pcall(mw.loadJsonData, title)
	if ok then
		return data
	end
	return nil
end

-- $1, $2 ... of a message; values are inserted as they are (escape them first).
local function format(text, ...)
	local values = { ... }
	return (text:gsub('%$(%d)', function(n)
		return values[tonumber(n)] or ('$' .. n)
	end))
end

-- {{#invoke:Advocacy|links|A; B/C; ...|under=case}}: one link per page title, separated as
-- the bot reads a field of several pages (";" or a new line), each shown by the part of its
-- title after the last "/" (whether or not the namespace has subpages). With under=KIND, a
-- bare name (no namespace, no "/") is the page of that name under the kind's prefix
-- (Module:Advocacy/Config.json, written by the bot): a case's name or its full title both
-- work. A value that is not a valid title is shown as text, never as markup.
-- The title a page field's item names (bots/core/pagetargets.py page_target): a bare name (no
-- namespace, no "/") is the page of that name under prefix; nil for no valid title.
local function targetTitle(item, prefix)
	local title = mw.title.new(item)
	if title and prefix ~= '' and title.namespace == 0 and not item:find('/', 1, true) then
		title = mw.title.new(prefix .. item) or title
	end
	return title
end

function p.links(frame)
	local value = frame.args[1] or ''
	local under = trim(frame.args.under or '')
	local prefix = ''
	if under ~= '' then
		local config = load(CONFIG) or {}
		prefix = (config.prefixes or {})[under] or ''
	end
	local out = {}
	for item in mw.text.gsplit(value, '[;\n]') do
		item = trim(item)
		if item ~= '' then
			local title = targetTitle(item, prefix)
			if title then
				local label = title.text:match('([^/]*)$')
				if label == '' then
					label = title.text
				end
				table.insert(out, '[[:' .. title.prefixedText .. '|' .. nowiki(label) .. ']]')
			else
				table.insert(out, nowiki(item))
			end
		end
	end
	return table.concat(out, ' · ')
end

-- -- Matching and "did you mean" (bots/core/vocab.py) ------------------------------------------

-- How editors' spellings are compared: case-insensitive, spaces/underscores as hyphens.
local function canonKey(raw)
	local key = ustring.lower(trim(raw))
	key = ustring.gsub(key, '[' .. SPACE .. '_]+', '-')
	key = key:gsub('^%-+', ''):gsub('%-+$', '')
	return key
end

local function codepoints(s)
	local out, n = {}, 0
	for cp in ustring.gcodepoint(s) do
		out[n] = cp
		n = n + 1
	end
	return out, n
end

-- difflib.SequenceMatcher(None, a, b).ratio(), without junk (the strings are short): the sum
-- of the matching blocks found by repeated longest matches, as difflib finds them.
local function ratio(a, la, b, lb)
	if la + lb == 0 then
		return 1.0
	end
	local b2j = {}
	for j = 0, lb - 1 do
		local list = b2j[b[j]]
		if not list then
			list = {}
			b2j[b[j]] = list
		end
		list[#list + 1] = j
	end
	local function longest(alo, ahi, blo, bhi)
		local besti, bestj, bestsize = alo, blo, 0
		local j2len = {}
		for i = alo, ahi - 1 do
			local newj2len = {}
			for _, j in ipairs(b2j[a[i]] or {}) do
				if j >= blo then
					if j >= bhi then
						break
					end
					local k = (j2len[j - 1] or 0) + 1
					newj2len[j] = k
					if k > bestsize then
						besti, bestj, bestsize = i - k + 1, j - k + 1, k
					end
				end
			end
			j2len = newj2len
		end
		return besti, bestj, bestsize
	end
	local matched = 0
	local queue = { { 0, la, 0, lb } }
	while #queue > 0 do
		local q = table.remove(queue)
		local alo, ahi, blo, bhi = q[1], q[2], q[3], q[4]
		local i, j, k = longest(alo, ahi, blo, bhi)
		if k > 0 then
			matched = matched + k
			if alo < i and blo < j then
				queue[#queue + 1] = { alo, i, blo, j }
			end
			if i + k < ahi and j + k < bhi then
				queue[#queue + 1] = { i + k, ahi, j + k, bhi }
			end
		end
	end
	return 2.0 * matched / (la + lb)
end

-- difflib.get_close_matches(word, possibilities, n, cutoff): best score first, ties by the
-- larger string (heapq.nlargest on (score, x)).
local function closeMatches(word, possibilities, n, cutoff)
	local b, lb = codepoints(word)
	local scored = {}
	for _, x in ipairs(possibilities) do
		local a, la = codepoints(x)
		local score = ratio(a, la, b, lb)
		if score >= cutoff then
			scored[#scored + 1] = { score, x }
		end
	end
	table.sort(scored, function(u, v)
		if u[1] ~= v[1] then
			return u[1] > v[1]
		end
		return u[2] > v[2]
	end)
	local out = {}
	for i = 1, math.min(n, #scored) do
		out[i] = scored[i][2]
	end
	return out
end

-- bots.core.vocab.suggest: close matches (cutoff 0.6), then prefix matches, at most three.
local function suggest(raw, candidates, limit)
	limit = limit or 3
	local keys, byKey = {}, {}
	for _, cand in ipairs(candidates) do
		local k = canonKey(cand)
		if byKey[k] == nil then
			byKey[k] = cand
			keys[#keys + 1] = k
		end
	end
	local key = canonKey(raw)
	local hits = closeMatches(key, keys, limit, 0.6)
	if ustring.len(key) >= 3 then
		local seen = {}
		for _, h in ipairs(hits) do
			seen[h] = true
		end
		for _, k in ipairs(keys) do
			if not seen[k] and k:sub(1, #key) == key then
				hits[#hits + 1] = k
			end
		end
	end
	local out = {}
	for i = 1, math.min(limit, #hits) do
		out[i] = byKey[hits[i]]
	end
	return out
end

-- One vocabulary of Vocabularies.json, as lookup tables.
local vocabCache = {}
local function vocabulary(name)
	if vocabCache[name] then
		return vocabCache[name]
	end
	-- The bot's copy of the revision it uses (a refused edit of the community's page changes
	-- nothing here either); the page itself only while there is no copy (before the bot's
	-- first run): a copy that cannot be read is not replaced by the community's page.
	local config = load(CONFIG)
	local data
	if config and config.effective and mw.title.new(config.effective) and
			mw.title.new(config.effective).exists then
		data = load(config.effective)
	else
		data = load(config and config.vocabularies or VOCABULARIES)
	end
	local spec = type(data) == 'table' and type(data.vocabularies) == 'table'
		and data.vocabularies[name]
	if type(spec) ~= 'table' or type(spec.values) ~= 'table' then
		return nil
	end
	local v = { byKey = {}, pool = {}, poolKeys = {} }
	for _, value in ipairs(spec.values) do
		v.byKey[canonKey(value)] = v.byKey[canonKey(value)] or value
		v.poolKeys[#v.poolKeys + 1] = value
		v.pool[value] = value
	end
	v.synonyms = {}
	for _, pair in ipairs(spec.synonyms or {}) do
		v.synonyms[canonKey(pair[1])] = pair[2]
		if v.pool[pair[1]] == nil then
			v.poolKeys[#v.poolKeys + 1] = pair[1]
		end
		v.pool[pair[1]] = pair[2]
	end
	vocabCache[name] = v
	return v
end

-- Vocabulary.lookup: the canonical value, or nil.
local function lookup(vocab, raw)
	local key = canonKey(raw)
	return vocab.byKey[key] or vocab.synonyms[key]
end

-- Vocabulary.suggest: canonical values that raw may have meant (synonyms resolved).
local function suggestValue(vocab, raw)
	local out, seen = {}, {}
	for _, hit in ipairs(suggest(raw, vocab.poolKeys)) do
		local target = vocab.pool[hit] or hit
		if not seen[target] then
			seen[target] = true
			out[#out + 1] = target
		end
	end
	return out
end

-- Geography.normalise: a jurisdiction code for a code, alias, alpha-3 or country name.
local function jurisdiction(schema, raw)
	local j = schema.jurisdictions
	local text = trim(raw)
	local lower = ustring.lower(text)
	for _, code in ipairs(j.supranational) do
		if lower == ustring.lower(code) then
			return code
		end
	end
	local alias = j.aliases[ustring.upper(text)] or j.aliases[lower]
	if alias then
		return alias
	end
	if ustring.len(text) == 2 then
		local upper = ustring.upper(text)
		for _, code in ipairs(j.codes) do
			if code == upper then
				return upper
			end
		end
	end
	-- PHP reads a JSON key such as "840" as the number 840 ("076" stays a string).
	return j.lookup[lower] or (lower:match('^[1-9]%d*$') and j.lookup[tonumber(lower)]) or nil
end

local function suggestJurisdiction(schema, raw)
	local j = schema.jurisdictions
	local pool, code = {}, {}
	for _, c in ipairs(j.supranational) do
		pool[#pool + 1] = c
	end
	for _, pair in ipairs(j.names) do
		pool[#pool + 1] = pair[1]
		code[pair[1]] = pair[2]
	end
	local out = {}
	for _, hit in ipairs(suggest(raw, pool)) do
		out[#out + 1] = code[hit] or hit
	end
	return out
end

-- {{#invoke:Advocacy|suggest|VOCABULARY|typo}} (or "jurisdiction", or "fields:KIND"): the
-- suggestions, separated by ";" (the tests compare them with the bot's).
function p.suggest(frame)
	local what, raw = frame.args[1] or '', frame.args[2] or ''
	local schema = load(SCHEMA)
	local out
	if what == 'jurisdiction' then
		out = suggestJurisdiction(schema, raw)
	elseif what:sub(1, 7) == 'fields:' then
		local names = {}
		for _, f in ipairs(schema.kinds[what:sub(8)].fields) do
			names[#names + 1] = f.name
		end
		out = suggest(raw, names)
	else
		out = suggestValue(vocabulary(what), raw)
	end
	return nowiki(table.concat(out, ';'))
end

-- -- Languages ---------------------------------------------------------------------------------

-- lang= if given, else the page's language: a /xx subpage, then the page's own language; then
-- the first of these with messages (MediaWiki's fallbacks), then English.
local function pageLanguage(explicit, available)
	local tried = {}
	local function pick(code)
		if not code or code == '' then
			return nil
		end
		code = ustring.lower(code)
		table.insert(tried, code)
		if available(code) then
			return code
		end
		for _, fb in ipairs(mw.language.getFallbacksFor(code) or {}) do
			if available(fb) then
				return fb
			end
		end
		return nil
	end
	local found = pick(explicit and trim(explicit))
	if found then
		return found
	end
	local title = mw.title.getCurrentTitle()
	local suffix = title.text:match('/([%a%-]+)$')
	if suffix and mw.language.isKnownLanguageTag(suffix) then
		found = pick(suffix)
		if found then
			return found
		end
	end
	-- The magic word, not title.pageLang: that is an expensive call on MediaWiki 1.43, once
	-- per box (a sign-up page of 20 entries would pass the limit of 100).
	local ok, code = pcall(function()
		return mw.getCurrentFrame():preprocess('{{PAGELANGUAGE}}')
	end)
	if ok and code and code ~= '' then
		found = pick(code)
	end
	found = found or pick(mw.language.getContentLanguage():getCode())
	return found or 'en'
end

-- -- {{Advocacy cases}} ------------------------------------------------------------------------

local function asList(value)
	if type(value) == 'string' then
		if value == '' then
			return {}
		end
		return { value }
	end
	return value or {}
end

local function asciiLower(s)
	return string.lower(s or '')
end

local function years(row, col)
	local start = (row[col.start] or ''):sub(1, 4)
	local finish = col['end'] and (row[col['end']] or ''):sub(1, 4) or ''
	if start == '' then
		return ''
	end
	local status = col.status and row[col.status] or ''
	if (status == 'active' or status == 'monitoring') and finish == '' then
		return start .. '–'
	end
	if finish == '' or finish == start then
		return start
	end
	return start .. '–' .. finish
end

-- "a\tb\t\tc" -> { "a", "b", "", "c" } (plain bytes: the separators are ASCII).
local function splitPlain(s, sep)
	local out, start = {}, 1
	while true do
		local i = string.find(s, sep, start, true)
		if not i then
			out[#out + 1] = s:sub(start)
			return out
		end
		out[#out + 1] = s:sub(start, i - 1)
		start = i + 1
	end
end

-- Every row of the case table, as text: the parts' rows, but for the pages changed since
-- (the head's delta holds their rows). The page is a row's first value: a row the delta
-- replaces is not split.
local function eachRow(head, consider)
	local delta = head.delta or {}
	for _, partTitle in ipairs(head.parts) do
		local part = load(partTitle)
		for _, text in ipairs(part and part.rows or {}) do
			local tab = string.find(text, '\t', 1, true)
			if delta[tab and text:sub(1, tab - 1) or text] == nil then
				consider(text)
			end
		end
	end
	for _, rows in pairs(delta) do
		for _, text in ipairs(rows) do
			consider(text)
		end
	end
end

-- A row of the table as values by column (a list for a field of several values). Rows stay
-- strings until read: mw.loadJsonData wraps every table it returns in a read-only proxy of
-- several hundred bytes, which 10,000 rows of lists would not fit in Lua's memory.
local function decodeRow(text, several)
	local row = splitPlain(text, '\t')
	for i, multiple in pairs(several) do
		if multiple then
			row[i] = (row[i] == nil or row[i] == '') and {} or splitPlain(row[i], '\n')
		end
	end
	return row
end

-- A message as text: {{PLURAL:n|one|other}} chosen by the language's rules, everything else
-- shown as written (no template, link, category or tag can come out of a translation).
plainMessage = function(text, lang)
	local ok, language = pcall(mw.language.new, lang)
	if not ok then
		language = mw.language.getContentLanguage()
	end
	text = string.gsub(text, '{{%s*[Pp][Ll][Uu][Rr][Aa][Ll]%s*:%s*([^|}]*)|([^}]*)}}',
		function(n, forms)
			return language:plural(tonumber(trim(n)) or 0, mw.text.split(forms, '|', true))
		end)
	return nowiki(text)
end

-- The facets' field names, in the kind's order.
local function facetFields(kind)
	local out = {}
	for _, f in ipairs(kind.fields) do
		if f.facet then
			out[#out + 1] = f.name
		end
	end
	return out
end

-- casequery._column: the field a sort/section/columns item names (a field or a facet name, any
-- case), when it is one of allowed; else nil.
local function columnName(kind, raw, allowed)
	local key = ustring.lower(trim(raw or ''))
	for _, f in ipairs(kind.fields) do
		if f.facet and f.facet == key then
			key = f.name
		end
	end
	for _, name in ipairs(allowed) do
		if name == key then
			return key
		end
	end
	return nil
end

-- The module's messages in the page's language (English where it has none).
local function moduleMessages(schema, explicit)
	local lang = pageLanguage(explicit, function(code)
		return schema.messages[code] ~= nil
	end)
	return schema.messages[lang] or schema.messages.en
end

local CASES_TEMPLATE = 'Advocacy cases'
local OPTIONS = { 'sort', 'order', 'limit', 'lang', 'section', 'columns' }

-- casequery.query_problems: { param =, code =, value =, suggestions = } for each parameter
-- (by name), each of its values in the order given.
local function queryProblems(schema, kind, head, args)
	local params, known = {}, {}
	for _, f in ipairs(kind.fields) do
		if f.facet then
			params[f.facet] = f
			known[#known + 1] = f.facet
		end
	end
	for _, name in ipairs(OPTIONS) do
		known[#known + 1] = name
	end
	local available = {}
	for _, name in ipairs(head.columns) do
		if name ~= 'page' then
			available[#available + 1] = name
		end
	end
	local allowedBy = { sort = kind.columns, section = facetFields(kind), columns = available }
	local names = {}
	for name in pairs(args) do
		names[#names + 1] = name
	end
	table.sort(names, function(u, v)
		return tostring(u) < tostring(v)
	end)
	local out = {}
	local function problem(code, param, value, suggestions)
		out[#out + 1] = { code = code, param = tostring(param), value = value,
			suggestions = suggestions or {} }
	end
	for _, name in ipairs(names) do
		local raw = trim(args[name] or '')
		local f = type(name) == 'string' and params[name]
		if f then
			for item in mw.text.gsplit(raw, '[,;]') do
				item = trim(item)
				if item ~= '' then
					if f.type == 'enum' then
						local vocab = vocabulary(f.vocabulary)
						if vocab and not lookup(vocab, item) then
							problem('unknown-value', name, item, suggestValue(vocab, item))
						end
					elseif f.type == 'jurisdiction' then
						if not jurisdiction(schema, item) then
							problem('unknown-value', name, item, suggestJurisdiction(schema, item))
						end
					elseif f.type == 'date' and not item:match('^%d%d%d%d$') then
						problem('unknown-value', name, item)
					end
				end
			end
		elseif name == 'limit' then
			if raw ~= '' and not raw:match('^%d+$') then
				problem('bad-limit', name, raw)
			end
		elseif name == 'order' then
			local key = ustring.lower(raw)
			if raw ~= '' and key ~= 'asc' and key ~= 'desc' then
				problem('bad-order', name, raw, { 'asc', 'desc' })
			end
		elseif allowedBy[name] then
			local allowed = allowedBy[name]
			local pool, isAllowed = {}, {}
			for _, c in ipairs(allowed) do
				pool[#pool + 1] = c
				isAllowed[c] = true
			end
			for _, g in ipairs(kind.fields) do
				if g.facet and g.facet ~= g.name and isAllowed[g.name] then
					pool[#pool + 1] = g.facet
				end
			end
			local items = {}
			if name == 'columns' then
				for item in mw.text.gsplit(raw, '[,;]') do
					if trim(item) ~= '' then
						items[#items + 1] = trim(item)
					end
				end
			elseif raw ~= '' then
				items[1] = raw
			end
			for _, item in ipairs(items) do
				if not columnName(kind, item, allowed) then
					problem('unknown-column', name, item, suggest(item, pool))
				end
			end
		elseif name ~= 'lang' and (raw ~= '' or type(name) ~= 'number') then
			problem('unknown-param', name, raw, suggest(tostring(name), known))
		end
	end
	return out
end

-- The problems of a query as a box above its list (and as preview warnings), in the page's
-- language, and the tracking category (in the wiki's language).
local function warningBox(frame, schema, msgs, problems)
	local lines = {}
	for _, pr in ipairs(problems) do
		local text = format(msgs['advocacyhub-cases-problem-' .. pr.code] or pr.code,
			nowiki(pr.param), nowiki(ustring.sub(pr.value, 1, 200)))
		if #pr.suggestions > 0 then
			local safe = {}
			for i, s in ipairs(pr.suggestions) do
				safe[i] = nowiki(s)
			end
			text = text .. ' ' .. format(msgs['advocacyhub-did-you-mean'], table.concat(safe, ', '))
		end
		mw.addWarning(format(msgs['advocacyhub-check-warning'], nowiki(CASES_TEMPLATE), text))
		lines[#lines + 1] = '<li>' .. text .. '</li>'
	end
	local content = schema.messages[mw.language.getContentLanguage():getCode()] or schema.messages.en
	return '<div class="advocacy-cases-warning" role="alert" style="border-left:4px solid #d33; '
		.. 'background:#fee7e6; padding:0.3em 0.8em; margin:0.5em 0;">'
		.. '<b>' .. format(msgs['advocacyhub-cases-problems'], nowiki(CASES_TEMPLATE)) .. '</b>'
		.. '<ul>' .. table.concat(lines) .. '</ul></div>'
		.. '[[Category:' .. content['advocacyhub-category-cases-problems'] .. ']]'
end

-- One cell of a row (field name) as the case index shows it.
local function cellOf(kind, fields, valueLabels, row, col, name, showYears)
	local f = fields[name]
	local value = row[col[name]]
	local cell, key
	if name == kind.label_field then
		local page = row[col.page]
		local label = (value ~= '' and value) or page
		local title = mw.title.new(page)
		if title then
			cell = '[[:' .. title.prefixedText .. '|' .. nowiki(label) .. ']]'
		else
			cell = nowiki(page)
		end
		key = asciiLower(label)
	elseif name == 'start' and showYears then
		cell = nowiki(years(row, col))
		key = value
	else
		local parts = {}
		local names = valueLabels[name] or {}
		for _, v in ipairs(asList(value)) do
			parts[#parts + 1] = nowiki(names[v] or v)
		end
		cell = table.concat(parts, ', ')
		local first = asList(value)[1]
		if first then
			key = (f.type == 'date' or f.type == 'datetime') and first
				or ustring.lower(names[first] or first)
		end
	end
	if key and key ~= '' then
		return '| data-sort-value="' .. nowiki(key) .. '" | ' .. cell
	end
	return '| ' .. cell
end

function p.cases(frame)
	local args = frame:getParent() and frame:getParent().args or frame.args
	local schema = load(SCHEMA)
	local config = load(CONFIG)
	local head = config and config.cases and load(config.cases)
	local kind = schema.kinds.case
	local function hasMessages(code)
		return schema.messages[code] ~= nil
	end
	if type(head) ~= 'table' or type(head.parts) ~= 'table' or head.version ~= TABLE_VERSION
			or type(head.labels) ~= 'table' or type(head.columns) ~= 'table' then
		local lang = pageLanguage(args.lang, hasMessages)
		return '<span class="error">' .. schema.messages[lang]['advocacyhub-cases-query-unavailable']
			.. '</span>'
	end
	local lang = pageLanguage(args.lang, function(code)
		return head.labels[code] ~= nil
	end)
	local labels = head.labels[lang] or head.labels.en
	if type(labels) ~= 'table' or type(labels.count) ~= 'string' or type(labels.headers) ~= 'table'
			or type(labels.shown) ~= 'string' then
		error('the case table has no labels')
	end
	local col = {}
	for i, name in ipairs(head.columns) do
		col[name] = i
	end
	local fields = {}
	for _, f in ipairs(kind.fields) do
		fields[f.name] = f
	end
	local several = {}
	for i, name in ipairs(head.columns) do
		several[i] = fields[name] ~= nil and fields[name].multiple == true
	end

	-- What the query cannot use (casequery.query_problems): shown on the page, not dropped.
	local problems = queryProblems(schema, kind, head, args)

	-- The filters: facet name -> the values its parameter stands for.
	local filters = {}
	for _, f in ipairs(kind.fields) do
		if f.facet and col[f.name] then
			local raw = args[f.facet] or ''
			local wanted, any = {}, false
			for item in mw.text.gsplit(raw, '[,;]') do
				item = trim(item)
				if item ~= '' then
					any = true
					local value
					if f.type == 'enum' then
						local vocab = vocabulary(f.vocabulary)
						value = vocab and lookup(vocab, item)
					elseif f.type == 'jurisdiction' then
						value = jurisdiction(schema, item)
					elseif f.type == 'date' then
						value = item:match('^%d%d%d%d$')
					else
						value = item
					end
					if value then
						wanted[value] = true
					end
				end
			end
			if any then
				filters[#filters + 1] = { index = col[f.name], wanted = wanted, year = f.type == 'date' }
			end
		end
	end

	-- The sort: a column by field or facet name, else the title.
	local sortName = columnName(kind, args.sort or '', kind.columns) or kind.label_field
	local sortField = fields[sortName]
	local valueLabels = labels.values or {}
	local function sortKey(row)
		local value = row[col[sortName]]
		if sortField.type == 'date' or sortField.type == 'datetime' then
			return value or ''
		end
		if sortName == kind.label_field then
			return asciiLower(value)
		end
		local first = asList(value)[1]
		if not first then
			return ''
		end
		local names = valueLabels[sortName]
		return asciiLower(names and names[first] or first)
	end

	local titleCol, pageCol = col[kind.label_field], col.page
	local total, found = 0, {}
	local function consider(text)
		local row = decodeRow(text, several)
		total = total + 1
		for _, filter in ipairs(filters) do
			local hit = false
			local value = row[filter.index]
			if filter.year then
				hit = filter.wanted[(value or ''):sub(1, 4)] or false
			else
				for _, v in ipairs(asList(value)) do
					if filter.wanted[v] then
						hit = true
						break
					end
				end
			end
			if not hit then
				return
			end
		end
		-- The row's text, not its values: only the rows shown are decoded again.
		-- Its place last: cases of one page with one title keep the page's order, as the
		-- bot's stable sort does (table.sort is not stable).
		found[#found + 1] = { sortKey(row), asciiLower(row[titleCol]), row[pageCol], text, total }
	end
	eachRow(head, consider)
	table.sort(found, function(u, v)
		if u[1] ~= v[1] then
			return u[1] < v[1]
		end
		if u[2] ~= v[2] then
			return u[2] < v[2]
		end
		if u[3] ~= v[3] then
			return u[3] < v[3]
		end
		return u[5] < v[5]
	end)
	local descending = ustring.lower(trim(args.order or '')) == 'desc'
	-- ASCII digits only, as bots/core/casequery.py reads it ("1e2" and "10.5" are not limits).
	local rawLimit = trim(args.limit or '')
	local limit = rawLimit:match('^%d+$') and tonumber(rawLimit) or DEFAULT_LIMIT
	limit = math.max(0, math.min(MAX_LIMIT, limit))
	if descending then -- the whole order reversed, as the bot's list.reverse()
		local n = #found
		for i = 1, math.floor(n / 2) do
			found[i], found[n - i + 1] = found[n - i + 1], found[i]
		end
	end
	local shown = math.min(limit, #found)

	-- columns=: the columns named that the table has, the title first.
	local available = {}
	for _, name in ipairs(head.columns) do
		if name ~= 'page' then
			available[#available + 1] = name
		end
	end
	local columns, seen, named = { kind.label_field }, { [kind.label_field] = true }, false
	for item in mw.text.gsplit(args.columns or '', '[,;]') do
		local name = columnName(kind, item, available)
		named = named or name ~= nil
		if name and not seen[name] then
			seen[name] = true
			columns[#columns + 1] = name
		end
	end
	if not named then
		columns = kind.columns
	end

	local out = {}
	local msgs = moduleMessages(schema, args.lang)
	if #problems > 0 then
		table.insert(out, warningBox(frame, schema, msgs, problems))
	end
	local count = format(labels.count, tostring(#found), tostring(total))
	if shown < #found then
		count = count .. ' ' .. format(labels.shown, tostring(shown))
	end
	-- Never preprocessed: the line is a translation the community wrote (issue 25); its
	-- PLURAL is chosen here, and the rest is text.
	table.insert(out, '<div class="advocacy-cases-count">' .. plainMessage(count, lang) .. '</div>')
	if shown == 0 then
		return table.concat(out, '\n')
	end

	local showYears = col.start and col['end'] and fields.start.type == 'date'
	local function renderTable(items, n)
		local lines = { '{| class="wikitable sortable advocacy-case-index advocacy-cases-query" '
			.. 'style="width:100%;"' }
		for _, name in ipairs(columns) do
			table.insert(lines, '! ' .. nowiki(labels.headers[name] or name))
		end
		for i = 1, n do
			local row = decodeRow(items[i][4], several)
			table.insert(lines, '|-')
			for _, name in ipairs(columns) do
				table.insert(lines, cellOf(kind, fields, valueLabels, row, col, name, showYears))
			end
		end
		table.insert(lines, '|}')
		return table.concat(lines, '\n')
	end

	-- section=: the matches grouped by a facet's values, each group with its count.
	local sectionName = columnName(kind, args.section or '', facetFields(kind))
	if not sectionName then
		table.insert(out, renderTable(found, shown))
		return table.concat(out, '\n')
	end
	local f = fields[sectionName]
	local names = valueLabels[sectionName] or {}
	local groups, order = {}, {}
	local function add(v, item)
		if not groups[v] then
			groups[v] = {}
			order[#order + 1] = v
		end
		table.insert(groups[v], item)
	end
	for _, item in ipairs(found) do
		local row = decodeRow(item[4], several)
		local values
		if f.type == 'date' then
			local year = (row[col[sectionName]] or ''):sub(1, 4)
			values = year ~= '' and { year } or {}
		else
			values = asList(row[col[sectionName]])
		end
		local once, any = {}, false
		for _, v in ipairs(values) do
			if v ~= '' and not once[v] then
				once[v], any = true, true
				add(v, item)
			end
		end
		if not any then
			add('', item)
		end
	end
	table.sort(order, function(u, v)
		if (u == '') ~= (v == '') then
			return v == ''
		end
		local lu, lv = asciiLower(names[u] or u), asciiLower(names[v] or v)
		if lu ~= lv then
			return lu < lv
		end
		return u < v
	end)
	for _, v in ipairs(order) do
		local label = v == '' and msgs['advocacyhub-cases-query-none'] or nowiki(names[v] or v)
		table.insert(out, '<div class="advocacy-cases-section" style="font-weight:bold; '
			.. 'font-size:110%; margin:1em 0 0.3em;">'
			.. format(msgs['advocacyhub-cases-query-section'], label, tostring(#groups[v]))
			.. '</div>')
		table.insert(out, renderTable(groups[v], math.min(limit, #groups[v])))
	end
	return table.concat(out, '\n')
end

-- -- Feedback while editing: {{#invoke:Advocacy|check|kind=case}} in every record template --------

local TRUE = { yes = true, y = true, ['true'] = true, ['1'] = true, on = true, x = true,
	['sí'] = true, si = true, ['是'] = true }
local FALSE = { no = true, n = true, ['false'] = true, ['0'] = true, off = true, ['否'] = true }
local CODE_TYPES = { enum = true, jurisdiction = true, language = true }

local function paramKey(name)
	local key = ustring.lower(trim(name))
	return (ustring.gsub(key, '[%s%-]+', '_'))
end

-- normalise.split_values: codes split on "," too; list bullets dropped.
local function splitValues(raw, f)
	local pattern = CODE_TYPES[f.type] and '[;,\n]' or '[;\n]'
	local out = {}
	for part in mw.text.gsplit(raw, pattern) do
		local item = ustring.gsub(trim(part), '^[%*#•·%-]%s*', '')
		item = trim(item)
		if item ~= '' then
			out[#out + 1] = item
		end
	end
	return out
end

local function daysIn(year, month)
	local days = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
	if month == 2 and (year % 4 == 0 and (year % 100 ~= 0 or year % 400 == 0)) then
		return 29
	end
	return days[month]
end

local function validDay(y, m, d)
	y, m, d = tonumber(y), tonumber(m), tonumber(d)
	return m >= 1 and m <= 12 and d >= 1 and d <= daysIn(y, m)
end

-- dates.normalise_date: YYYY, YYYY-MM or YYYY-MM-DD ("/" and "." too), a real day; the ISO
-- form, or nil.
local function normDate(raw)
	local text = trim(raw)
	local y = text:match('^(%d%d%d%d)$')
	if y then
		return tonumber(y) >= 1000 and y or nil
	end
	local m
	y, m = text:match('^(%d%d%d%d)[-/.](%d%d?)$')
	if y then
		if tonumber(y) >= 1000 and tonumber(m) >= 1 and tonumber(m) <= 12 then
			return string.format('%s-%02d', y, tonumber(m))
		end
		return nil
	end
	local d
	y, m, d = text:match('^(%d%d%d%d)[-/.](%d%d?)[-/.](%d%d?)$')
	if y ~= nil and tonumber(y) >= 1000 and validDay(y, m, d) then
		return string.format('%s-%02d-%02d', y, tonumber(m), tonumber(d))
	end
	return nil
end

-- normalise.py's _WIKI_LINK, _USER_PREFIX and _title_case: "[[User:ana_b|Ana]]" -> "Ana b".
local function linkTarget(raw)
	local text = trim(raw)
	local target = text:match('^%[%[%s*:?([^%[%]|]-)%s*|[^%[%]]*%]%]$')
		or text:match('^%[%[%s*:?([^%[%]|]-)%s*%]%]$')
	return target or text
end

local function titleCase(text)
	text = trim((text:gsub('[%s_]+', ' ')))
	return ustring.upper(ustring.sub(text, 1, 1)) .. ustring.sub(text, 2)
end

local USER_PREFIXES = { '^[Uu][Ss][Ee][Rr]%s*:%s*', '^[Uu][Ss][Ee][Rr][ _][Tt][Aa][Ll][Kk]%s*:%s*',
	'^[Uu]%s*:%s*', '^[Ss][Pp][Ee][Cc][Ii][Aa][Ll]%s*:%s*[Cc][Oo][Nn][Tt][Rr][Ii][Bb][Uu][Tt][Ii][Oo][Nn][Ss]%s*/%s*' }

local function isUsername(raw)
	local name = trim(linkTarget(raw))
	for _, prefix in ipairs(USER_PREFIXES) do
		local stripped = name:gsub(prefix, '', 1)
		if stripped ~= name then
			name = stripped
			break
		end
	end
	name = titleCase(name)
	return name ~= '' and ustring.len(name) <= 85 and not name:find('[#<>%[%]|{}/@:%c\127]')
end

local function isPage(raw)
	local title = titleCase(linkTarget(raw))
	return title ~= '' and #title <= 255 and not title:find('[#<>%[%]|{}%c\127]')
end

-- normalise.py's _EXT_LINK and _URL: "[https://example.org text]" or a bare http(s) address.
local function isUrl(raw)
	local text = trim(raw)
	local url = text:match('^%[%s*(%S+)[^%]]*%]$') or text
	local lower = url:lower()
	local rest = (lower:sub(1, 7) == 'http://' and url:sub(8))
		or (lower:sub(1, 8) == 'https://' and url:sub(9)) or ''
	return ustring.len(url) <= 2000 and rest ~= '' and not rest:find('[%s<>%[%]"{}|]')
end

-- dates.normalise_datetime: YYYY-MM-DD, optionally with THH:MM[:SS][Z]; the bot's form
-- (YYYY-MM-DD or YYYY-MM-DDTHH:MM), or nil.
local function normDatetime(raw)
	local y, m, d, rest = trim(raw):match('^(%d%d%d%d)%-(%d%d?)%-(%d%d?)(.*)$')
	if not y or not validDay(y, m, d) then
		return nil
	end
	local day = string.format('%s-%02d-%02d', y, tonumber(m), tonumber(d))
	if rest == '' then
		return day
	end
	local hh, mm, tail = rest:match('^[T ](%d%d?):(%d%d)(.*)$')
	if not hh then
		return nil
	end
	tail = tail:gsub('^:%d%d', ''):gsub('^Z', '')
	if tail ~= '' or tonumber(hh) > 23 or tonumber(mm) > 59 then
		return nil
	end
	return string.format('%sT%02d:%s', day, tonumber(hh), mm)
end

-- The problems of one value, as the bot's FieldNormaliser finds them: code, suggestions.
local function checkValue(schema, f, item)
	if f.type == 'enum' then
		local vocab = vocabulary(f.vocabulary)
		if vocab and not lookup(vocab, item) then
			return 'unknown-value', suggestValue(vocab, item)
		end
	elseif f.type == 'date' then
		if not normDate(item) then
			return 'bad-date', {}
		end
	elseif f.type == 'text' then
		-- normalise.py counts code points, as ustring.len does.
		if ustring.len(item) > (f.max_length or MAX_TEXT) then
			return 'too-long', {}
		end
	elseif f.type == 'username' then
		if not isUsername(item) then
			return 'bad-username', {}
		end
	elseif f.type == 'page' then
		if not isPage(item) then
			return 'bad-page', {}
		end
	elseif f.type == 'url' then
		if not isUrl(item) then
			return 'bad-url', {}
		end
	elseif f.type == 'month' then
		-- dates.normalise_month: YYYY-MM, a date of that form.
		local value = normDate(item)
		if not value or #value ~= 7 then
			return 'bad-month', {}
		end
	elseif f.type == 'datetime' then
		if not normDatetime(item) then
			return 'bad-datetime', {}
		end
	elseif f.type == 'jurisdiction' then
		if not jurisdiction(schema, item) then
			return 'unknown-jurisdiction', suggestJurisdiction(schema, item)
		end
	elseif f.type == 'bool' then
		local key = ustring.lower(trim(item))
		if not TRUE[key] and not FALSE[key] then
			return 'bad-bool', { 'yes', 'no' }
		end
	end
	return nil
end

-- {{#invoke:Advocacy|hides|kind=advocate}}: "1" when the template's record keeps its private
-- fields off the page, by the bot's own rule (Record.hides_private): its private_when field
-- means the hiding value (any spelling or synonym the vocabulary knows), or holds a value the
-- vocabulary does not know. "" otherwise (blank: the field's default).
function p.hides(frame)
	local schema = load(SCHEMA)
	local kind = schema and schema.kinds[frame.args.kind or '']
	if not kind or not kind.private_when then
		return ''
	end
	local name, hiding = kind.private_when[1], kind.private_when[2]
	local parent = frame:getParent()
	local args = parent and parent.args or {}
	for _, f in ipairs(kind.fields) do
		if f.name == name then
			local wanted = { [paramKey(f.name)] = true }
			for _, alias in ipairs(f.aliases or {}) do
				wanted[paramKey(alias)] = true
			end
			local raw = ''
			for key, value in pairs(args) do
				if type(key) == 'string' and wanted[paramKey(key)] and trim(value) ~= '' then
					raw = trim(value)
				end
			end
			if raw == '' then
				raw = f.default or ''
			end
			if raw == '' then
				return ''
			end
			local vocab = f.vocabulary and vocabulary(f.vocabulary)
			local value = vocab and lookup(vocab, raw) or (not vocab and raw) or nil
			if f.type == 'bool' then  -- yes, y, true, 1 ... as the bot reads them
				local key = ustring.lower(raw)
				value = (TRUE[key] and 'yes') or (FALSE[key] and 'no') or nil
			end
			return (value == nil or ustring.lower(value) == hiding) and '1' or ''
		end
	end
	return ''
end

-- The problems of a template call's arguments, as the bot's parse and normalise_record find
-- them: { field =, code =, value =, suggestions = } each.
local function findProblems(schema, kind, args)
	local byParam, names = {}, {}
	for _, f in ipairs(kind.fields) do
		names[#names + 1] = f.name
		byParam[paramKey(f.name)] = f
		for _, alias in ipairs(f.aliases or {}) do
			byParam[paramKey(alias)] = f
		end
	end

	local problems = {}
	local function problem(field, code, value, suggestions)
		problems[#problems + 1] = { field = field, code = code, value = value or '',
			suggestions = suggestions or {} }
	end
	-- Parameters: positional values, unknown names (with the names they may have meant).
	local given = {}
	for name, value in pairs(args) do
		if type(name) == 'number' then
			if trim(value) ~= '' then
				problem(tostring(name), 'positional', trim(value))
			end
		else
			local f = byParam[paramKey(name)]
			if f == nil then
				problem(name, 'unknown-field', trim(value), suggest(name, names))
			else
				given[f.name] = given[f.name] or {}
				given[f.name][paramKey(name)] = trim(value)
			end
		end
	end
	-- Values: each field by the first of its names given (as the bot reads it).
	local dates = {}
	for _, f in ipairs(kind.fields) do
		local text = ''
		local fieldNames = { f.name }
		for _, alias in ipairs(f.aliases or {}) do
			fieldNames[#fieldNames + 1] = alias
		end
		for _, name in ipairs(fieldNames) do
			local v = given[f.name] and given[f.name][paramKey(name)]
			if v and v ~= '' then
				text = v
				break
			end
		end
		if text == '' and f.default then
			text = f.default
		end
		local valid = false
		if text ~= '' then
			local items = f.multiple and splitValues(text, f) or { text }
			for _, item in ipairs(items) do
				local code, suggestions = checkValue(schema, f, item)
				if code then
					problem(f.name, code, item, suggestions)
				else
					valid = true
					if f.type == 'date' and not f.multiple then
						dates[f.name] = normDate(item)
					elseif f.type == 'datetime' and not f.multiple then
						dates[f.name] = normDatetime(item)
					end
				end
			end
		end
		if f.required and not valid then
			local known = false
			for _, pr in ipairs(problems) do
				known = known or pr.field == f.name
				for _, s in ipairs(pr.suggestions) do
					known = known or s == f.name
				end
			end
			if not known then
				problem(f.name, 'missing')
			end
		end
	end
	-- normalise_record: an end before the start, compared at the precision both have.
	local startDate, endDate = dates.start, dates['end']
	if startDate and endDate and endDate:sub(1, #startDate) < startDate:sub(1, #endDate) then
		problem('end', 'end-before-start', endDate)
	end
	return problems
end

-- {{#invoke:Advocacy|problems|case|title=…|…}}: "field:code" of each problem the check finds,
-- sorted, separated by ";" (what the tests compare with the bot's own normalise_record).
function p.problems(frame)
	local schema = load(SCHEMA)
	local kind = schema and schema.kinds[frame.args[1] or '']
	if not kind then
		return ''
	end
	local args = {} -- the template's arguments: the kind's positional 1 taken off
	for key, value in pairs(frame.args) do
		if type(key) == 'number' then
			if key > 1 then
				args[key - 1] = value
			end
		else
			args[key] = value
		end
	end
	local out = {}
	for _, pr in ipairs(findProblems(schema, kind, args)) do
		out[#out + 1] = pr.field .. ':' .. pr.code
	end
	table.sort(out)
	return nowiki(table.concat(out, ';'))
end

function p.check(frame)
	local schema = load(SCHEMA)
	local kind = schema and schema.kinds[frame.args.kind or '']
	if not kind then
		return ''
	end
	local parent = frame:getParent()
	local args = parent and parent.args or {}
	local problems = findProblems(schema, kind, args)
	local lang = pageLanguage(nil, function(code)
		return schema.messages[code] ~= nil
	end)
	local msgs = schema.messages[lang]
	-- A record that keeps private fields off the hub's pages (a low profile, a sensitive
	-- case) but fills them: what is typed on a wiki page is public in its source and history.
	if kind.private_when and p.hides(frame) == '1' then
		local filled = {}
		for _, f in ipairs(kind.fields) do
			if f.private then
				local names = { [paramKey(f.name)] = true }
				for _, alias in ipairs(f.aliases or {}) do
					names[paramKey(alias)] = true
				end
				for key, value in pairs(args) do
					if type(key) == 'string' and names[paramKey(key)] and trim(value) ~= '' then
						filled[#filled + 1] = nowiki(f.name)
						break
					end
				end
			end
		end
		if #filled > 0 and msgs['advocacyhub-check-private-typed'] then
			mw.addWarning(format(msgs['advocacyhub-check-private-typed'],
				table.concat(filled, ', ')))
		end
	end
	if #problems == 0 then
		return ''
	end

	for _, pr in ipairs(problems) do
		local text = format(msgs['advocacyhub-problem-' .. pr.code] or pr.code,
			nowiki(pr.field), nowiki(ustring.sub(pr.value, 1, 200)))
		if #pr.suggestions > 0 then
			local safe = {}
			for i, s in ipairs(pr.suggestions) do
				safe[i] = nowiki(s)
			end
			text = text .. ' ' .. format(msgs['advocacyhub-did-you-mean'], table.concat(safe, ', '))
		end
		mw.addWarning(format(msgs['advocacyhub-check-warning'], nowiki(kind.template), text))
	end
	local content = schema.messages[mw.language.getContentLanguage():getCode()] or schema.messages.en
	return '[[Category:' .. content['advocacyhub-category-problems'] .. ']]'
end

-- -- A record's side box, as the indexes show it ----------------------------------------------

local function kindField(schema, kindName, name)
	local kind = schema.kinds[kindName or 'case']
	for _, f in ipairs(kind and kind.fields or {}) do
		if f.name == name then
			return f
		end
	end
	return nil
end

-- The page's language among the message files' (the /es suffix, the page language, the wiki's).
local function boxLanguage(schema, frame)
	return pageLanguage(frame.args.lang, function(code)
		return schema.messages[code] ~= nil
	end)
end

-- A hub page in a language: its base title for the hub's language, else <title>/<lang>.
local function inLanguage(config, title, lang)
	if lang == (config.base_lang or 'en') then
		return title
	end
	for _, code in ipairs(config.languages or {}) do
		if code == lang then
			return title .. '/' .. lang
		end
	end
	return title
end

-- The labels of a vocabulary in a language (the community's page; the bot's copy first).
local function vocabLabels(name, lang)
	local config = load(CONFIG)
	local data = config and config.effective and load(config.effective)
	if not (data and data.vocabularies) then
		data = load(config and config.vocabularies or VOCABULARIES)
	end
	local spec = data and data.vocabularies and data.vocabularies[name]
	local labels = spec and spec.labels or {}
	return labels[lang] or labels.en or {}
end

-- {{#invoke:Advocacy|label|topics|kind=case}}: a field's name in the page's language.
function p.label(frame)
	local schema = load(SCHEMA)
	local name = trim(frame.args[1] or '')
	local lang = boxLanguage(schema, frame)
	local msgs = schema.messages[lang] or schema.messages.en
	return msgs['advocacyhub-field-' .. name] or schema.messages.en['advocacyhub-field-' .. name]
		or nowiki(name)
end

-- {{#invoke:Advocacy|values|SE; FI|field=jurisdiction|kind=case}}: the values of a field as
-- the indexes show them (vocabulary labels, place names from CLDR, in the page's language),
-- each linking to the browse-by page of its field; a value the bot cannot read is shown as
-- written (the check at the top of the preview says what is wrong with it).
function p.values(frame)
	local schema = load(SCHEMA)
	local kindName = trim(frame.args.kind or 'case')
	local f = kindField(schema, kindName, trim(frame.args.field or ''))
	local raw = frame.args[1] or ''
	if not f then
		return nowiki(trim(raw))
	end
	local lang = boxLanguage(schema, frame)
	local config = load(CONFIG) or {}
	local browse = config.browse and config.browse[kindName]
	local target = browse and f.facet and inLanguage(config, browse .. '/' .. f.facet, lang)
	local names
	if f.type == 'jurisdiction' then
		local places = load(PLACES)
		names = places and places.names and (places.names[lang] or places.names.en) or {}
	elseif f.type == 'enum' and f.vocabulary then
		names = vocabLabels(f.vocabulary, lang)
	else
		names = {}
	end
	local vocab = f.type == 'enum' and f.vocabulary and vocabulary(f.vocabulary)
	local out = {}
	for _, item in ipairs(splitValues(raw, f)) do
		local code
		local label
		if f.type == 'jurisdiction' then
			code = jurisdiction(schema, item)
		elseif vocab then
			code = lookup(vocab, item)
		elseif f.type == 'language' then
			-- The language's name in the page's language (MediaWiki's names; not an
			-- expensive call); a code the wiki does not know is shown as written.
			local tag = ustring.lower(trim(item))
			local name = mw.language.isKnownLanguageTag(tag)
				and mw.language.fetchLanguageName(tag, lang) or ''
			label = name ~= '' and name or nil
		end
		label = label or (code and (names[code] or code))
		if label and target then
			table.insert(out, '[[:' .. target .. '|' .. nowiki(label) .. ']]')
		else
			table.insert(out, nowiki(label or item))
		end
	end
	return table.concat(out, ', ')
end

-- {{#invoke:Advocacy|hub|kind=case}}: the line under a record's box, back to the hub and to
-- the index of its kind, in the page's language.
function p.hub(frame)
	local schema = load(SCHEMA)
	local config = load(CONFIG)
	if not (config and config.root) then
		return ''
	end
	local lang = boxLanguage(schema, frame)
	local msgs = schema.messages[lang] or schema.messages.en
	local hub = '[[:' .. inLanguage(config, config.root, lang) .. '|'
		.. msgs['advocacyhub-nav-hub'] .. ']]'
	local index = '[[:' .. inLanguage(config, config.index or config.root, lang) .. '|'
		.. msgs['advocacyhub-nav-cases'] .. ']]'
	return '<div class="advocacy-hub-line" style="font-size:90%;">'
		.. format(msgs['advocacyhub-record-hub-line'], hub, index) .. '</div>'
end

-- {{#invoke:Advocacy|citedby|kind=case}}: a row of the case's side box, "Cited by", linking
-- the cases whose related cases (every page field whose target is the kind: the case table has
-- them as columns, bots/core/casetable.py citing_fields) name this page, by its name or its full title; nothing when none does.
-- The cases come from the case table the harvest writes, so each link is a page that holds a
-- case (never red). Reads only JSON pages: no expensive call, however many boxes a page has.
function p.citedby(frame)
	local schema = load(SCHEMA)
	local config = load(CONFIG)
	local head = config and config.cases and load(config.cases)
	if type(head) ~= 'table' or head.version ~= TABLE_VERSION or type(head.columns) ~= 'table'
			or type(head.parts) ~= 'table' then
		return '' -- no table yet (the first harvest writes it): no row, as for an empty field
	end
	local kindName = trim(frame.args.kind or 'case')
	local kind = schema.kinds[kindName]
	local prefix = (config.prefixes or {})[kindName] or ''
	local col, cites = {}, {}
	local fields = {}
	for _, f in ipairs(kind and kind.fields or {}) do
		fields[f.name] = f
	end
	for i, name in ipairs(head.columns) do
		col[name] = i
		local f = fields[name]
		if f and f.type == 'page' and f.target == kindName then
			cites[#cites + 1] = i
		end
	end
	local current = mw.title.getCurrentTitle()
	-- The page in a language (<case>/es, as a hub page's translations are named) is cited
	-- where the case is.
	local suffix = current.text:match('/([%a%-]+)$')
	if suffix and mw.language.isKnownLanguageTag(suffix) and schema.messages[suffix] then
		current = mw.title.new(current.prefixedText:sub(1, -(#suffix + 2))) or current
	end
	local here = current.prefixedText
	-- A row names this page only if it holds its name (the last part of its title), as the
	-- harvest wrote it: no other row is split.
	local name = current.text:match('([^/]*)$')
	if name == '' or #cites == 0 then
		return ''
	end
	local found, seen = {}, {}
	local function consider(text)
		if not string.find(text, name, 1, true) then
			return
		end
		local row = splitPlain(text, '\t')
		local page = row[col.page] or ''
		if page == here or seen[page] then
			return
		end
		for _, i in ipairs(cites) do
			for item in mw.text.gsplit(row[i] or '', '\n', true) do
				local title = item ~= '' and targetTitle(item, prefix)
				if title and title.prefixedText == here then
					local label = row[col[kind.label_field]] or ''
					seen[page] = true
					found[#found + 1] = { page, label ~= '' and label or page }
					return
				end
			end
		end
	end
	eachRow(head, consider)
	if #found == 0 then
		return ''
	end
	table.sort(found, function(u, v)
		local lu, lv = asciiLower(u[2]), asciiLower(v[2])
		if lu ~= lv then
			return lu < lv
		end
		return u[1] < v[1]
	end)
	local links = {}
	for i, item in ipairs(found) do
		local title = mw.title.new(item[1])
		links[i] = title and ('[[:' .. title.prefixedText .. '|' .. nowiki(item[2]) .. ']]')
			or nowiki(item[2])
	end
	local msgs = schema.messages[boxLanguage(schema, frame)] or schema.messages.en
	-- A row of the box: its first new line keeps the row apart from the one before.
	return '\n|-\n! ' .. msgs['advocacyhub-case-cited-by'] .. '\n| ' .. table.concat(links, ' · ')
end

-- Every function shows a message, never a script error, whatever its input or the pages it
-- reads (a damaged state page, an unknown kind): issue 25. The error goes to the log.
local function unavailable(frame)
	local schema = load(SCHEMA)
	local messages = type(schema) == 'table' and type(schema.messages) == 'table'
		and schema.messages or {}
	local lang = 'en'
	pcall(function()
		lang = pageLanguage(frame.args.lang, function(code)
			return type(messages[code]) == 'table'
		end)
	end)
	local text = (messages[lang] or messages.en or {})['advocacyhub-cases-query-unavailable']
	return '<span class="error">' .. nowiki(text or '⧼advocacyhub-cases-query-unavailable⧽')
		.. '</span>'
end

for name, fn in pairs(p) do
	p[name] = function(frame)
		local ok, out = pcall(fn, frame)
		if ok then
			return out
		end
		mw.log('Module:Advocacy.' .. name .. ': ' .. tostring(out))
		if name == 'hides' or name == 'citedby' then
			return '' -- a condition of {{#if:}}, a row of a box: shown as nothing
		end
		return unavailable(frame)
	end
end

return p
