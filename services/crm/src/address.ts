import { fields } from "@erp/core";
import { z } from "zod";
import type { AddressJson } from "./db.js";

export type Address = AddressJson;

export const addressSchema = z.object({
  line1: fields.text("Address line 1", 200),
  line2: fields.optionalText("Address line 2", 200),
  postalCode: fields.text("Postal code", 20),
  city: fields.text("City", 100),
  region: fields.optionalText("Region", 100),
  country: fields.countryCode(),
});
