/**
 * The `__resolveType` of a union or interface whose resolvers tag each value with its
 * `__typename`, as references to another domain's entities are (`{ __typename, id }`).
 */
export function typenameOf<Name extends string>(value: object): Name | null {
  return "__typename" in value && typeof value.__typename === "string" ? (value.__typename as Name) : null;
}
