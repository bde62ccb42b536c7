/**
 * English words too common to say what a verbatim is about. Negators ("not", "never", "no") are not
 * among them: "never arrived" is news.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
	(
		'a about above after again against all also am an and any are as at be because been before being below between both ' +
		'by could did do does doing down during each few for from further get got had has have having he her here hers herself ' +
		'him himself his how i if in into is it its itself just me more most my myself of off on once only or other our ours ' +
		'ourselves out over own same she should so some such than that the their theirs them themselves then there these they ' +
		'this those through to too under until up us very was we were what when where which while who whom why will with would ' +
		'you your yours yourself yourselves im ive id dont didnt doesnt isnt wasnt cant couldnt wont wouldnt one two still even ' +
		'really said told ask asked since now like back going make made way well much many us via per etc'
	).split(' ')
);
