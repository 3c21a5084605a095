export const exampleOperation = "";
export async function seedProcurement() {}
