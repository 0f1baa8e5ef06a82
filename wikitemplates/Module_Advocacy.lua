-- Module:Advocacy: helpers for the Advocacy Hub's record templates (installed with them by
-- `advocacy-bot templates install`; the source is wikitemplates/Module_Advocacy.lua in the
-- bot's repository).
local p = {}

-- {{#invoke:Advocacy|links|A; B/C; ...}}: one link per page title, separated as the bot reads
-- a field of several pages (";" or a new line), each shown by the part of its title after the
-- last "/" (whether or not the namespace has subpages). A value that is not a valid title is
-- shown as text, never as markup.
function p.links(frame)
	local value = frame.args[1] or ''
	local out = {}
	for item in mw.text.gsplit(value, '[;\n]') do
		item = mw.text.trim(item)
		if item ~= '' then
			local title = mw.title.new(item)
			if title then
				local label = title.text:match('([^/]*)$')
				if label == '' then
					label = title.text
				end
				table.insert(out, '[[:' .. title.prefixedText .. '|' .. mw.text.nowiki(label) .. ']]')
			else
				table.insert(out, mw.text.nowiki(item))
			end
		end
	end
	return table.concat(out, ' · ')
end

return p
