/** A fix team's members grouped by department, in the order the departments first appear. */
export function membersByDepartment(members: ReadonlyArray<{ name: string; department: string }>): Array<[string, string[]]> {
	const groups: Array<[string, string[]]> = [];
	for (const member of members) {
		const group = groups.find(([department]) => department === member.department);
		if (group) group[1].push(member.name);
		else groups.push([member.department, [member.name]]);
	}
	return groups;
}
