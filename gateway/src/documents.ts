import { defineSettings, setting } from "@erp/core";
import type { Express, Response } from "express";
import PDFDocument from "pdfkit";
import { asCaller, type RunnerFactory, refuseRequest } from "./exports.js";

/** Who issues the invoices: the seller's legal name, address and tax id printed on each. */
export const sellerSettings = defineSettings({
  name: setting.text("SELLER_NAME", "ERP Demo GmbH", 200),
  address: setting.text("SELLER_ADDRESS", "Musterstraße 1, 10115 Berlin, Germany", 300),
  taxId: setting.text("SELLER_TAX_ID", "DE000000000", 50),
});

export const INVOICE_DOCUMENT = `query InvoiceDocument($id: ID!) {
  invoice(id: $id) {
    number status issuedOn dueOn
    customer { code name taxId billingAddress { line1 line2 postalCode city region country } }
    lines { description quantity unitPrice { amount } netAmount { amount } taxAmount { amount } }
    subtotal { amount } taxTotal { amount } total { amount currency } amountCredited { amount } balanceDue { amount }
  }
}`;

interface Amount {
  amount: string;
}

interface InvoiceDocument {
  number: string;
  status: string;
  issuedOn: string;
  dueOn: string;
  customer: {
    code: string;
    name: string;
    taxId: string | null;
    billingAddress:
      | (Record<"line1" | "postalCode" | "city" | "country", string> & Record<"line2" | "region", string | null>)
      | null;
  };
  lines: { description: string; quantity: string; unitPrice: Amount; netAmount: Amount; taxAmount: Amount }[];
  subtotal: Amount;
  taxTotal: Amount;
  total: Amount & { currency: string };
  amountCredited: Amount;
  balanceDue: Amount;
}

const COLUMNS = [
  { title: "Description", x: 50, width: 200, align: "left" },
  { title: "Quantity", x: 255, width: 60, align: "right" },
  { title: "Unit price", x: 320, width: 70, align: "right" },
  { title: "Net", x: 395, width: 70, align: "right" },
  { title: "Tax", x: 470, width: 75, align: "right" },
] as const;

function row(doc: PDFKit.PDFDocument, cells: string[], options: { bold?: boolean } = {}): void {
  const y = doc.y;
  doc.font(options.bold ? "Helvetica-Bold" : "Helvetica");
  const heights = COLUMNS.map((c, i) => doc.heightOfString(cells[i] ?? "", { width: c.width }));
  if (y + Math.max(...heights) > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const top = doc.y;
  for (const [i, c] of COLUMNS.entries()) doc.text(cells[i] ?? "", c.x, top, { width: c.width, align: c.align });
  doc.x = 50;
  doc.y = top + Math.max(...heights) + 4;
}

/** Draws the invoice with the fields the law asks of one: seller, buyer, number, dates, lines, tax, totals, currency. */
function drawInvoice(doc: PDFKit.PDFDocument, invoice: InvoiceDocument): void {
  const seller = sellerSettings();
  const buyer = invoice.customer;
  const address = buyer.billingAddress;
  doc.font("Helvetica-Bold").fontSize(16).text(seller.name);
  doc.font("Helvetica").fontSize(9).text(seller.address).text(`Tax id: ${seller.taxId}`).moveDown(1.5);
  doc.fontSize(10).font("Helvetica-Bold").text("Bill to");
  doc.font("Helvetica").text(`${buyer.name} (customer ${buyer.code})`);
  if (address)
    doc
      .text([address.line1, address.line2].filter(Boolean).join(", "))
      .text(`${address.postalCode} ${address.city}${address.region ? `, ${address.region}` : ""}, ${address.country}`);
  if (buyer.taxId) doc.text(`Tax id: ${buyer.taxId}`);
  doc.moveDown(1.5).font("Helvetica-Bold").fontSize(14).text(`Invoice ${invoice.number}`);
  doc.font("Helvetica").fontSize(10);
  doc
    .text(`Issued on: ${invoice.issuedOn}`)
    .text(`Due on: ${invoice.dueOn}`)
    .text(`Currency: ${invoice.total.currency}`);
  if (invoice.status === "VOID") doc.font("Helvetica-Bold").text("VOID: this invoice was cancelled").font("Helvetica");
  doc.moveDown(1);
  row(
    doc,
    COLUMNS.map((c) => c.title),
    { bold: true },
  );
  for (const l of invoice.lines)
    row(doc, [l.description, l.quantity, l.unitPrice.amount, l.netAmount.amount, l.taxAmount.amount]);
  doc.moveDown(0.5);
  const totals: [string, string][] = [
    ["Net total", invoice.subtotal.amount],
    ["Tax", invoice.taxTotal.amount],
    [`Total (${invoice.total.currency})`, invoice.total.amount],
  ];
  if (Number(invoice.amountCredited.amount) !== 0)
    totals.push(["Credited", invoice.amountCredited.amount], ["Balance due", invoice.balanceDue.amount]);
  for (const [label, amount] of totals) row(doc, ["", "", "", label, amount], { bold: label.startsWith("Total") });
}

/** Streams the invoice's PDF to the client as pdfkit writes it. */
function sendInvoice(res: Response, invoice: InvoiceDocument): void {
  // Uncompressed: a few kilobytes for an invoice, and its text stays searchable by archive tools.
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    compress: false,
    info: { Title: `Invoice ${invoice.number}` },
  });
  res.status(200).type("application/pdf").attachment(`${invoice.number}.pdf`);
  doc.pipe(res);
  drawInvoice(doc, invoice);
  doc.end();
}

/** GET /documents/invoices/{id}.pdf: an invoice as a PDF, read through the graph with the caller's rights. */
export function mountDocuments(app: Express, runners: RunnerFactory): void {
  sellerSettings(); // a bad seller setting stops the start, not the first invoice
  app.get("/documents/invoices/:file", async (req, res, next) => {
    const id = /^(.+)\.pdf$/.exec(req.params.file)?.[1];
    if (!id)
      return refuseRequest(res, [
        { message: "Ask for /documents/invoices/{id}.pdf", extensions: { code: "NOT_FOUND" } },
      ]);
    try {
      await asCaller(req, res, runners, async (run) => {
        const { data, errors } = await run(INVOICE_DOCUMENT, { id });
        if (errors?.length) return refuseRequest(res, errors);
        const invoice = data?.invoice as InvoiceDocument | null;
        if (!invoice) return refuseRequest(res, [{ message: "No such invoice", extensions: { code: "NOT_FOUND" } }]);
        sendInvoice(res, invoice);
      });
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      next(error);
    }
  });
}
