// The customer tree as a Relay client reads it: a page of customers with
// their owner, subscriptions, plans and domains, paginated with @connection.
// Compiled by relay-compiler in CI against the served schema (the react-relay
// runtime is not needed for that).
import { graphql } from 'react-relay';

export const customerTreeQuery = graphql`
  query CustomerTreeQuery($first: Int!, $after: Cursor, $search: String) {
    ...CustomerTree_customers @arguments(first: $first, after: $after, search: $search)
  }
`;

export const customersFragment = graphql`
  fragment CustomerTree_customers on Query
  @refetchable(queryName: "CustomerTreePaginationQuery")
  @argumentDefinitions(first: { type: "Int!" }, after: { type: "Cursor" }, search: { type: "String" }) {
    customers(first: $first, after: $after, where: { search: $search }) @connection(key: "CustomerTree_customers") {
      totalCount
      edges {
        node {
          id
          login
          name
          status
          owner {
            __typename
            ... on Administrator { id login }
            ... on Reseller { id login name }
          }
          subscriptions(first: 10) {
            totalCount
            edges {
              node {
                id
                planSync
                status
                domain { id name }
                plan { id name }
              }
            }
          }
        }
      }
    }
  }
`;
